"""Session: the tool surface, simulated time, fork isolation, replay, and
the responder hook recorded so that replay never calls it again."""

import pytest

import simdesk
from conftest import ASK, HOME, RITA, SCENARIO


LISTING = (
    "/Users/ana (3 entries)\n"
    "/Users/ana/Downloads/\n"
    "/Users/ana/Mail/\n"
    "/Users/ana/fees.xlsx  (workbook, modified 2026-01-05T08:00:00Z)\n"
)


@pytest.fixture
def session(ana):
    return simdesk.Session(ana, SCENARIO)


def test_tools_are_function_calling_schemas(session):
    tools = simdesk.tools()
    assert session.tools() == tools
    names = [t["name"] for t in tools]
    assert names[:3] == ["list_files", "search_files", "read_file"]
    assert "finish" in names and len(names) == len(set(names)) == len(simdesk.tools()) == 33
    for t in tools:
        assert set(t) == {"name", "description", "input_schema"}
        assert t["input_schema"]["type"] == "object", t["name"]
        assert t["description"]


def test_call_returns_the_agents_text_and_costs_time(session):
    assert session.brief == "You are Ana Ruiz, an advisor. Read your mail."
    assert session.now == "2026-01-05T08:00:00Z"
    listing = session.call("list_files", {"path": HOME})
    assert listing == LISTING, listing
    assert session.now > "2026-01-05T08:00:00Z"


def test_invoke_returns_the_whole_result_with_new_mail(session):
    result = session.invoke("wait_for_email")
    assert result == {
        "text": "waited until 2026-01-05T09:30:00Z\n"
        "[2026-01-05T09:30:00Z] new email from Rita Ruiz: Hello (/Users/ana/Mail/Inbox/2026-01-05 0930 Hello.eml)",
        "is_error": False,
        "time": "2026-01-05T09:30:00Z",
        "arrived": [
            {
                "time": "2026-01-05T09:30:00Z",
                "from": "client",
                "rule": "request",
                "path": "/Users/ana/Mail/Inbox/2026-01-05 0930 Hello.eml",
                "subject": "Hello",
                "body": "Ask me about the fee rate when you need it.",
            }
        ],
        "finished": False,
        "done": False,
    }
    [mail] = session.inbox()
    assert mail["path"] == "/Users/ana/Mail/Inbox/2026-01-05 0930 Hello.eml"
    assert mail["email"]["subject"] == "Hello"
    assert mail["email"]["from"] == {"name": "Rita Ruiz", "address": RITA}


def test_refused_calls_are_results_not_exceptions(session):
    before = session.world.state_hash()
    assert session.call("teleport", {}).startswith('error: unknown tool "teleport"\nhint: tools are: list_files,')
    result = session.invoke("read_file", {"path": 5})
    assert (result["is_error"], result["error"]) == (True, "bad_args")
    assert result["text"].startswith("error: bad arguments for read_file: invalid type: integer `5`")
    result = session.invoke("read_file", {"path": "/Users/../etc"})
    assert result["is_error"]
    assert session.world.state_hash() == before


def test_arguments_that_are_not_json_data_raise(session):
    with pytest.raises(simdesk.InvalidInput):
        session.call("read_file", {"path": object()})
    with pytest.raises(TypeError):
        session.call(42, {})


def test_finish_makes_the_session_done(session):
    assert not session.done
    assert session.call("finish", {"summary": "nothing to do"}).startswith("session finished at ")
    assert session.done
    after = session.invoke("list_files", {"path": "/"})
    assert after["is_error"] and after["done"]


def test_fork_is_isolated_both_ways(session):
    session.call("wait", {"minutes": 5})
    fork = session.fork()
    fork.call("create_note", {"path": f"{HOME}/todo.md", "text": "call Rita"})
    fork.call("wait", {"minutes": 60})
    assert fork.world.read(f"{HOME}/todo.md").startswith("call Rita")
    with pytest.raises(simdesk.PathError):
        session.world.read(f"{HOME}/todo.md")
    assert len(session.steps()) == 1 and len(fork.steps()) == 3
    assert session.now < fork.now


def test_session_world_is_a_fork_of_the_world_passed_in(ana, session):
    before = ana.state_hash()
    session.call("create_note", {"path": f"{HOME}/n.md", "text": "x"})
    assert ana.state_hash() == before
    session.world.apply({"op": "mkdir", "path": "/Elsewhere"})
    assert "/Elsewhere" not in [e["path"] for e in session.world.ls()]


def test_same_calls_same_steps_and_world(ana):
    runs = []
    for _ in range(2):
        s = simdesk.Session(ana, SCENARIO)
        s.call("wait_for_email")
        s.call("send_email", ASK)
        s.call("wait_for_email")
        runs.append((s.steps_jsonl(), s.world.snapshot()))
    assert runs[0] == runs[1]


def test_responder_writes_the_reply_and_replay_never_calls_it(ana):
    asked = []

    def responder(ctx):
        asked.append((ctx["rule"], ctx["collaborator"]["key"], ctx["incoming"]["subject"], ctx["text"]))
        return "LLM: " + ctx["text"].upper()

    s = simdesk.Session(ana, SCENARIO, responder=responder)
    s.call("wait_for_email")
    s.call("send_email", ASK)
    s.call("wait_for_email")
    [(rule, who, subject, text)] = asked
    assert (rule, who, subject) == ("answer", "client", "Rate")
    assert "The rate we agreed is 0.75%." in text
    written = "LLM: " + text.upper()
    reply = s.inbox()[-1]["email"]
    assert reply["subject"] == "Re: Rate"
    assert written in [p["inlines"][0]["text"] for p in reply["body"]]
    assert [st.get("responses") for st in s.steps()] == [None, [written], None]
    # Replay from the recorded steps (as dicts or as JSON Lines): no
    # responder, same results, same world.
    for steps in (s.steps(), s.steps_jsonl()):
        again = simdesk.Session.replay(ana, SCENARIO, steps)
        assert again.steps_jsonl() == s.steps_jsonl()
        assert again.world.snapshot() == s.world.snapshot()
    assert len(asked) == 1


def test_responder_returning_none_keeps_the_template_text(ana):
    offered = []
    s = simdesk.Session(ana, SCENARIO, responder=lambda ctx: offered.append(ctx["text"]))
    s.call("send_email", ASK)
    s.call("wait_for_email")
    body = [p["inlines"][0]["text"] for p in s.inbox()[-1]["email"]["body"]]
    assert offered and offered[0] in body
    assert [st.get("responses") for st in s.steps()] == [[None], None]


def test_a_raising_responder_is_reported_after_the_call(ana):
    def broken(ctx):
        raise ConnectionError("model endpoint unreachable")

    s = simdesk.Session(ana, SCENARIO, responder=broken)
    with pytest.raises(simdesk.ResponderError) as e:
        s.call("send_email", ASK)
    assert isinstance(e.value.__cause__, ConnectionError)
    assert e.value.result["text"].startswith('sent "Rate" to rita.ruiz@mail.example')
    assert s.steps()[-1]["responses"] == [None]  # the template's text went out
    s.set_responder(None)
    s.call("wait_for_email")
    body = [p["inlines"][0]["text"] for p in s.inbox()[-1]["email"]["body"]]
    assert any("The rate we agreed is 0.75%." in line for line in body)


def test_a_responder_calling_back_into_its_session_is_refused_not_a_hang(ana):
    def reentrant(ctx):
        return s.call("list_files", {"path": "/"})

    s = simdesk.Session(ana, SCENARIO, responder=reentrant)
    with pytest.raises(simdesk.ResponderError) as e:
        s.call("send_email", ASK)
    assert str(e.value.__cause__) == "session is busy: a responder called back into the session it answers for"


def test_replay_that_diverges_raises(ana, session):
    session.call("send_email", ASK)
    steps = session.steps()
    steps[0]["result"]["text"] = "something else"
    with pytest.raises(simdesk.ReplayError) as e:
        simdesk.Session.replay(ana, SCENARIO, steps)
    assert str(e.value) == "replay diverged at step 1 (send_email)"


def test_bad_scenarios(ana):
    with pytest.raises(simdesk.ScenarioError) as e:
        simdesk.Session(ana, "agent = 3")
    assert str(e.value).startswith("scenario toml: ")
    with pytest.raises(simdesk.ScenarioError) as e:
        simdesk.Session(ana, {"agent": {"name": "A", "address": "a@x.example"}, "home": "/", "version": 2})
    assert str(e.value) == "scenario version: version 2 is not 1"


def test_session_of_a_generated_computer():
    s = simdesk.Session.generate("financial-advisor", seed=0, index=0)
    assert s.now == simdesk.generate("financial-advisor", seed=0, index=0).now
    calendar = s.call("read_calendar").splitlines()
    assert calendar[0].startswith("now: ")
    # What has arrived so far: each line one of the computer's objectives.
    titles = {o["title"] for o in s.world.objectives}
    listed = [line for line in calendar[1:] if line.strip()]
    assert listed and all(any(t in line for t in titles) for line in listed), calendar
    report = s.score()
    assert [o["id"] for o in report["objectives"]] == [o["id"] for o in s.world.objectives]


def _files(world, folder="/"):
    for e in world.ls(folder):
        if e["kind"] is None:
            yield from _files(world, e["path"])
        else:
            yield e


def test_render_views_changes_no_result():
    base = simdesk.Session.generate("financial-advisor", seed=0, index=0)
    plain = base.fork()
    base.render_views()
    rendered = base.fork()
    books = [e["path"] for e in _files(base.world) if e["kind"] == "workbook"]
    assert books
    for path in books:
        assert rendered.call("read_file", {"path": path}) == plain.call("read_file", {"path": path})
    assert rendered.steps() == plain.steps()
