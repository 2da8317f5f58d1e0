"""End to end with the official Python MCP SDK: `simdesk serve` over stdio.

A scripted agent completes one objective of a generated computer through
MCP tool calls only -- reads the request email, brings the workbook's
import from the new position file and refreshes the workbook,
exports the review to PDF and sends it to the requester -- then the session is saved on exit and `simdesk score` on the
saved world must report the objective met.

The script plays the harness as well: it reads the objective from the
generated computer's grading data (which the agent never sees) to know what
to do. Run: python tests/python/mcp_client.py [path/to/simdesk]
"""

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

TEMPLATE = "financial-advisor"
SEED = "3"


def simdesk_binary() -> str:
    if len(sys.argv) > 1:
        return sys.argv[1]
    root = Path(__file__).resolve().parents[2]
    return str(root / "target" / "debug" / "simdesk")


def find(folder: Path, name: str) -> Path:
    hits = sorted(folder.rglob(name))
    if not hits:
        sys.exit(f"no {name} under {folder}")
    return hits[0]


def text_of(result) -> str:
    return "\n".join(c.text for c in result.content if getattr(c, "text", None) is not None)


async def call(session: ClientSession, name: str, args: dict) -> str:
    result = await session.call_tool(name, args)
    text = text_of(result)
    if result.is_error:
        sys.exit(f"{name} {json.dumps(args)} was refused:\n{text}")
    return text


async def work(simdesk: str, world: Path, out: Path, objective: dict) -> None:
    goals = objective["goals"]
    refreshed = next(g for g in goals if g["goal"] == "refreshed_from")
    workbook, new_source = refreshed["path"], refreshed["source"]
    deliverable = next(g for g in goals if g["goal"] == "deliverable")
    sent = next(g for g in goals if g["goal"] == "delivered_to")
    new_file = new_source.rsplit("/", 1)[-1]
    # The harness knows which import to move (the agent would find it by
    # reading the workbook): the link the reference solution replaces.
    ref = objective["reference"]
    old_link = next(op for op in ref if op["op"] == "unlink" and op["dependent"] == workbook)
    new_link = next(op for op in ref if op["op"] == "link" and op["source"] == new_source)

    params = StdioServerParameters(
        command=simdesk, args=["serve", "--world", str(world), "--out", str(out)]
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            assert {"read_email", "refresh_import", "export_pdf", "send_email"} <= tools, tools
            brief = await session.get_prompt("brief")
            assert brief.messages, "the brief prompt is empty"

            # Read the request email: it names the new file and the PDF.
            inbox = await call(session, "list_emails", {})
            paths = re.findall(r"(/\S[^\n]*?\.eml)", inbox)
            request = None
            for p in paths:
                body = await call(session, "read_email", {"path": p})
                if new_file in body and deliverable["pattern"] in body:
                    request = p
                    break
            assert request, f"no email mentions {new_file}:\n{inbox}"

            # Import the new position file instead of the old one, and
            # refresh the workbook from it.
            await call(session, "read_file", {"path": new_source})
            await call(
                session,
                "unlink_import",
                {"source": old_link["source"], "dependent": old_link["dependent"]},
            )
            await call(
                session,
                "link_import",
                {"source": new_source, "dependent": new_link["dependent"], "kind": "import"},
            )
            await call(session, "refresh_import", {"path": workbook})

            # Export the review under the name the request asks for, and
            # send it to the requester.
            folder = deliverable["source"].rsplit("/", 1)[0]
            target = f"{folder}/{deliverable['pattern']}"
            await call(session, "export_pdf", {"path": deliverable["source"], "target": target})
            await call(
                session,
                "send_email",
                {
                    "to": [sent["to"]],
                    "subject": f"Re: {objective['title']}",
                    "body": "Here is the updated review, with the new position file.",
                    "attachments": [target],
                },
            )
            await call(session, "finish", {"summary": objective["title"]})


def main() -> None:
    simdesk = simdesk_binary()
    with tempfile.TemporaryDirectory(prefix="simdesk-mcp-py-") as tmp:
        tmp = Path(tmp)
        subprocess.run(
            [simdesk, "generate", "--template", TEMPLATE, "--seed", SEED, "--out", str(tmp / "gen")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        spec = json.loads(find(tmp / "gen", "spec.json").read_text())
        # The answer key beside the agent's files: <computer>/grading/.
        world = find(tmp / "gen", "world.simdesk")
        entry = next(o for o in spec["objectives"] if o.get("shape") == "refresh_export_send")
        objective = entry["objective"]
        out = tmp / "run"
        asyncio.run(work(simdesk, world, out, objective))

        saved = sorted(p.name for p in out.iterdir())
        assert saved == [
            "run.json",
            "scenario.json",
            "score.json",
            "start.simdesk",
            "trajectory.jsonl",
            "world.simdesk",
        ], saved
        scored = subprocess.run(
            [simdesk, "score", str(out / "world.simdesk"), "--objective", objective["id"], "--format", "json"],
            capture_output=True,
            text=True,
        )
        report = json.loads(scored.stdout)
        result = next(o for o in report["objectives"] if o["id"] == objective["id"])
        if not result["met"]:
            sys.exit("objective not met:\n" + json.dumps(result, indent=2))
        print(f"mcp client: {objective['id']} ({objective['title']}) met through MCP; score {result.get('score')}")


if __name__ == "__main__":
    main()
