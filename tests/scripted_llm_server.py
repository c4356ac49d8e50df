"""A scripted test server on loopback that speaks the OpenAI chat-completions API (plain and SSE
streaming) and the Ollama /api/chat API (plain and NDJSON streaming). Each test queues the replies
it wants; every request body is recorded for assertions."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    raw: bytes | None = None  # sent as-is (malformed replies)
    delay: float = 0.0  # seconds before the first byte
    token_delay: float = 0.0  # seconds between streamed pieces (a model that writes slowly)


@dataclass
class ScriptedLLMServer:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)

    def start(self) -> ScriptedLLMServer:
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # ollama's version / show probes
                self._json(200, {"version": "0.0.0-scripted"})

            def do_POST(self):
                try:
                    self._post()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def _post(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                script.requests.append({"path": self.path, "body": body})
                reply = script.replies.pop(0) if script.replies else Reply(text="(no scripted reply)")
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.raw is not None:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.raw)))
                    self.end_headers()
                    self.wfile.write(reply.raw)
                    return
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                    return
                stream = bool(body.get("stream"))
                if self.path.startswith("/api/chat"):
                    self._ollama(body, reply.text, stream, reply.token_delay)
                else:
                    self._openai(body, reply.text, stream, reply.token_delay)

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _openai(self, body, text, stream, token_delay=0.0):
                model = body.get("model", "scripted")
                if not stream:
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion",
                            "created": 0,
                            "model": model,
                            "choices": [
                                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                            ],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for number, piece in enumerate([text[i : i + 12] for i in range(0, len(text), 12)]):
                    if number and token_delay:
                        time.sleep(token_delay)
                    event = {
                        "id": "chatcmpl-1",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": model,
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                done = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())

            def _ollama(self, body, text, stream, token_delay=0.0):
                model = body.get("model", "scripted")
                base = {"model": model, "created_at": "2026-01-01T00:00:00Z"}
                if not stream:
                    self._json(
                        200,
                        {
                            **base,
                            "message": {"role": "assistant", "content": text},
                            "done": True,
                            "done_reason": "stop",
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                for number, piece in enumerate([text[i : i + 12] for i in range(0, len(text), 12)]):
                    if number and token_delay:
                        time.sleep(token_delay)
                    line = {**base, "message": {"role": "assistant", "content": piece}, "done": False}
                    self.wfile.write((json.dumps(line) + "\n").encode())
                    self.wfile.flush()
                final = {**base, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
                self.wfile.write((json.dumps(final) + "\n").encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
