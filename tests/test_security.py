"""What an attacker on this machine could try: read files through the server's file routes, expose the chat on
every interface, or swap a file that the code would unpickle or evaluate.

The server tests run against a real `bot serve` (the default model, the index of the session's `real_bot`),
started once per session and shared with tests/test_load.py (which imports the `served` fixture).
"""
from __future__ import annotations

import ast
import json
import socket
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from bench.load import Server
from tests.conftest import CORPUS, PROJECT

READY_SECONDS = 900
_SHARED: dict[str, Server] = {}


@pytest.fixture(scope="session")
def served(real_bot, model_cache, tmp_path_factory):
    """One `bot serve` on a free loopback port for the whole session, over the session's real index."""
    server = _SHARED.get("server")
    if server is None:
        state = tmp_path_factory.mktemp("served")
        server = Server.start(cache_dir=model_cache, index_dir=real_bot.config.index_dir, state=state,
                              extra_env={"BOT_CORPUS_DIR": str(CORPUS)})
        _SHARED["server"] = server
        try:
            server.wait_ready(READY_SECONDS)
        except Exception as error:
            server.stop()
            _SHARED.pop("server", None)
            pytest.fail(f"bot serve did not become ready: {error}")
    yield server
    stopping = _SHARED.pop("server", None)
    if stopping is not None:
        stopping.stop()


def raw_get(url: str, target: str, timeout: float = 30) -> tuple[int, bytes]:
    """GET `target` exactly as written (no client normalizes '..' or decodes '%2F'); status and body."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _targets(index_dir: Path, cache_dir: Path) -> list[tuple[str, bytes]]:
    """(request target, bytes that must not come back) for files outside what the page may serve."""
    passwd = b"root:x:0:0"
    project = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    secret_project = b'name = "bot"'
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    secret_index = manifest["corpus_sha256"].encode()
    assert secret_project.decode() in project
    routes = ["/gradio_api/file=", "/file=", "/gradio_api/file/", "/gradio_api/static/", "/static/", "/assets/",
              "/gradio_api/assets/", "/gradio_api/custom_component/x/", "/gradio_api/upload/"]
    targets = []
    for route in routes:
        targets += [
            (f"{route}/etc/passwd", passwd),
            (f"{route}../../../../../../etc/passwd", passwd),
            (f"{route}..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd", passwd),
            (f"{route}%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", passwd),
            (f"{route}%252e%252e%252f%252e%252e%252fetc%252fpasswd", passwd),
            (f"{route}{quote('/etc/passwd', safe='')}", passwd),
            (f"{route}..\\..\\..\\..\\etc\\passwd", passwd),
            (f"{route}{PROJECT / 'pyproject.toml'}", secret_project),
            (f"{route}pyproject.toml", secret_project),
            (f"{route}../pyproject.toml", secret_project),
            (f"{route}{index_dir / 'manifest.json'}", secret_index),
            (f"{route}{quote(str(index_dir / 'manifest.json'), safe='')}", secret_index),
        ]
    targets += [
        ("/../../../../etc/passwd", passwd),
        ("//etc/passwd", passwd),
        ("/gradio_api/file=/proc/self/environ", b"BOT_INDEX_DIR"),
        ("/gradio_api/file=/proc/self/cmdline", b"serve"),
        (f"/gradio_api/file={cache_dir}", b"checksums"),
    ]
    return targets


@pytest.mark.model
def test_file_routes_never_serve_files_outside_the_page(served, real_bot, model_cache):
    leaks, statuses = [], {}
    for target, secret in _targets(real_bot.config.index_dir, model_cache):
        status, body = raw_get(served.url, target)
        statuses[target] = status
        if secret in body or b"root:x:0:0" in body:
            leaks.append(target)
    assert leaks == []
    refused = {target: status for target, status in statuses.items() if status not in (400, 403, 404, 405)}
    assert refused == {}, "expected 400/403/404/405"


@pytest.mark.model
def test_the_page_itself_is_served(served):
    status, body = raw_get(served.url, "/")
    assert status == 200 and b"<html" in body.lower()


# -- binding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_serve_refuses_a_public_address_without_allow_remote(host, monkeypatch):
    import bot.engine
    from bot.cli import main

    opened = []
    monkeypatch.setattr(bot.engine.Bot, "open", classmethod(lambda cls, *a, **k: opened.append(1)))
    result = CliRunner().invoke(main, ["serve", "--host", host, "--port", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and host in lines[0] and "--allow-remote" in lines[0]
    assert opened == []  # refused before anything is loaded


def test_serve_names_a_host_that_is_no_address(monkeypatch):
    import bot.engine
    from bot.cli import main

    opened = []
    monkeypatch.setattr(bot.engine.Bot, "open", classmethod(lambda cls, *a, **k: opened.append(1)))
    result = CliRunner().invoke(main, ["serve", "--host", "not a host!", "--allow-remote", "--port", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output and opened == []
    assert result.stderr.splitlines() == [result.stderr.strip()] and "not an address" in result.stderr
    assert "warning" not in result.output  # refused before it says where it listens


# -- nothing swappable is unpickled or evaluated ----------------------------------------------------------

UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "joblib", "marshal", "shelve", "cloudpickle"}


def unsafe_calls(source: str) -> list[str]:
    """Calls that run code from data: pickle-family loads, torch.load, np.load(allow_pickle=True), yaml.load,
    eval/exec/compile, __import__ of a computed name, and trust_remote_code=True."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            found += [f"import {name}" for name in names if name.split(".")[0] in UNSAFE_MODULES]
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else ""
        owner = function.value.id if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) else ""
        keywords = {k.arg: k.value for k in node.keywords}
        if (name in ("eval", "exec") and isinstance(function, ast.Name)) or (name == "compile" and not owner):
            found.append(f"{name}()")
        elif owner in UNSAFE_MODULES and name in ("load", "loads", "Unpickler", "open"):
            found.append(f"{owner}.{name}()")
        elif owner == "torch" and name == "load":
            found.append("torch.load()")
        elif owner in ("np", "numpy") and name == "load":
            allow = keywords.get("allow_pickle")
            if not (isinstance(allow, ast.Constant) and allow.value is False):
                found.append("np.load() without allow_pickle=False")
        elif owner == "yaml" and name in ("load", "unsafe_load", "full_load"):
            found.append(f"yaml.{name}()")
        elif name == "__import__":
            found.append("__import__()")
        remote = keywords.get("trust_remote_code")
        if not (remote is None or (isinstance(remote, ast.Constant) and remote.value is False)):
            found.append("trust_remote_code")
    return found


@pytest.mark.parametrize("source, expected", [
    ("import pickle\npickle.load(open('x', 'rb'))", ["import pickle", "pickle.load()"]),
    ("import torch\ntorch.load('weights.pt')", ["torch.load()"]),
    ("import numpy as np\nnp.load('v.npy', allow_pickle=True)", ["np.load() without allow_pickle=False"]),
    ("import numpy as np\nnp.load('v.npy')", ["np.load() without allow_pickle=False"]),
    ("eval(open('x').read())", ["eval()"]),
    ("model = Encoder().eval()", []),  # torch's Module.eval() switches off dropout; it evaluates nothing
    ("exec('1')", ["exec()"]),
    ("AutoModel.from_pretrained(p, trust_remote_code=True)", ["trust_remote_code"]),
    ("import numpy as np\nnp.load('v.npy', allow_pickle=False)\njson.loads('1')\nre.compile('x')", []),
])
def test_the_checker_finds_what_it_looks_for(source, expected):
    assert unsafe_calls(source) == expected


def test_bot_never_unpickles_or_evaluates():
    offenders = {}
    for path in sorted((PROJECT / "bot").rglob("*.py")):
        found = unsafe_calls(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PROJECT))] = found
    assert offenders == {}
