"""Many rollouts against one `simdesk serve --http` process.

A training harness in miniature, with the official Python MCP SDK (mcp 2.x):

1. start `simdesk serve --http 127.0.0.1:PORT --grader --out OUT` on a
   computer (or attach to a server already running, with --url);
2. run N rollouts concurrently, each in its own MCP session -- each session
   is its own fork of the computer, so rollouts never see each other's
   edits;
3. after each rollout, score it and save it with the harness tools that
   `--grader` adds (`harness_score`, `harness_save`; they are for the
   harness, never list them to the agent);
4. stop the server (SIGTERM; it saves any session still open) and check
   OUT: one `session-N` folder per rollout with its world, trajectory and
   score.

`policy` is a scripted stand-in for an agent: replace it with your model's
loop over `session.list_tools()` / `session.call_tool(...)`.

    python examples/rollouts.py --simdesk target/debug/simdesk --rollouts 4
"""

import argparse
import asyncio
import json
import logging
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


def text_of(result) -> str:
    return "\n".join(c.text for c in result.content if getattr(c, "text", None) is not None)


async def call(session: ClientSession, name: str, args: dict) -> str:
    result = await session.call_tool(name, args)
    if result.is_error:
        raise RuntimeError(f"{name} {json.dumps(args)} was refused:\n{text_of(result)}")
    return text_of(result)


async def policy(session: ClientSession, rollout: int) -> None:
    """A scripted agent: read the brief and the newest email, leave a note
    saying which rollout this is, let half an hour pass, finish."""
    brief = await session.get_prompt("brief")
    brief_text = " ".join(getattr(m.content, "text", "") for m in brief.messages)
    home = re.search(r"Your files are under (/\S*?);", brief_text)
    home = home.group(1).rstrip("/") if home else ""
    inbox = await call(session, "list_emails", {})
    emails = re.findall(r"(/\S[^\n]*?\.eml)", inbox)
    subject = ""
    if emails:
        email = await call(session, "read_email", {"path": emails[0]})
        subject = next((l for l in email.splitlines() if l.lower().startswith("subject:")), "")
    await call(
        session,
        "create_note",
        {"path": f"{home}/rollout-{rollout}.md", "text": f"# Rollout {rollout}\n\nNewest mail: {subject}\n"},
    )
    await call(session, "wait", {"minutes": 30})
    await call(session, "finish", {"summary": f"rollout {rollout}"})


async def rollout(url: str, i: int) -> dict:
    """One rollout in its own MCP session; returns what the harness keeps."""
    async with streamable_http_client(url) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await policy(session, i)
            score = await session.call_tool("harness_score", {})
            if score.is_error:
                raise RuntimeError(text_of(score))
            saved = await call(session, "harness_save", {})
            return {
                "rollout": i,
                "reward": score.structured_content["reward"],
                "saved": saved.removeprefix("saved to "),
            }


def start_server(args, out: Path) -> tuple[subprocess.Popen, str]:
    """Starts `simdesk serve --http` and returns it with its MCP URL (read
    from the line it logs on stderr; port 0 picks a free port)."""
    source = ["--world", args.world] if args.world else ["--template", args.template, "--seed", str(args.seed)]
    cmd = [args.simdesk, "serve", *source, "--http", f"127.0.0.1:{args.port}", "--grader", "--out", str(out)]
    server = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        found = re.search(r"serving MCP on (http://\S+)", line)
        if found:
            # Keep draining stderr so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
            return server, found.group(1)
        sys.stderr.write(line)
    sys.exit(f"simdesk serve exited with {server.wait()} before serving")


async def run_all(url: str, n: int) -> list[dict]:
    return await asyncio.gather(*(rollout(url, i) for i in range(n)))


def check_saved(results: list[dict]) -> None:
    """Each rollout's folder is a run folder (world, trajectory, score …), and its
    trajectory holds its own note and no other rollout's."""
    folders = {r["saved"] for r in results}
    assert len(folders) == len(results), f"rollouts shared a folder: {sorted(folders)}"
    for r in results:
        folder = Path(r["saved"])
        files = sorted(p.name for p in folder.iterdir())
        # A run folder (simdesk_store::write_run): what it is, the scenario,
        # the world as it started and ended, the steps and the score.
        assert files == [
            "run.json",
            "scenario.json",
            "score.json",
            "start.simdesk",
            "trajectory.jsonl",
            "world.simdesk",
        ], (folder, files)
        notes = set(re.findall(r"rollout-(\d+)\.md", (folder / "trajectory.jsonl").read_text()))
        assert notes == {str(r["rollout"])}, (folder, notes)
        saved_score = json.loads((folder / "score.json").read_text())
        assert saved_score["reward"] == r["reward"], (folder, saved_score["reward"], r["reward"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--simdesk", default="simdesk", help="the simdesk binary")
    p.add_argument("--rollouts", type=int, default=8)
    p.add_argument("--world", help="a world file to serve (default: generate one)")
    p.add_argument("--template", default="financial-advisor")
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--out", help="where sessions are saved (default: a temporary folder)")
    p.add_argument("--url", help="use a server already running (started with --grader --out)")
    args = p.parse_args()
    # rmcp answers a session's DELETE with 202 Accepted, which this SDK
    # logs as a failed termination although the session did end.
    logging.getLogger("mcp.client.streamable_http").setLevel(logging.ERROR)

    if args.url:
        results = asyncio.run(run_all(args.url, args.rollouts))
        check_saved(results)
    else:
        with tempfile.TemporaryDirectory(prefix="simdesk-rollouts-") as tmp:
            out = Path(args.out) if args.out else Path(tmp) / "runs"
            server, url = start_server(args, out)
            try:
                results = asyncio.run(run_all(url, args.rollouts))
            finally:
                server.send_signal(signal.SIGTERM)
                code = server.wait(timeout=60)
            assert code == 0, f"simdesk serve exited with {code}"
            check_saved(results)
            sessions = sorted(p.name for p in out.iterdir())
            assert len(sessions) == args.rollouts, sessions
    for r in sorted(results, key=lambda r: r["rollout"]):
        print(f"rollout {r['rollout']}: reward {r['reward']:.3f}, saved to {r['saved']}")


if __name__ == "__main__":
    main()
