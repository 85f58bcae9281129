#!/usr/bin/env python3
"""Drives one Jupyter kernel through a script of requests and writes what came back, for the kernel tests.

    kernel_driver.py SCRIPT.json RESULT.json

SCRIPT.json: {"kernel_name": "segattr", "steps": [STEP, ...]} where a STEP is one of
    {"execute": CODE}                          run a cell; optional "interrupt_after": seconds, "timeout"
    {"complete": CODE, "cursor": N}            a completion request
    {"inspect": CODE, "cursor": N}             an inspection request (shift-tab)
RESULT.json: one entry per step: for execute the reply's status, ename, evalue, traceback, the iopub outputs
(msg_type and content) and the seconds it took; for complete and inspect the reply's content.

The kernel is found like any Jupyter kernel (JUPYTER_PATH / JUPYTER_DATA_DIR), started once, and shut down
at the end. Exit code 0 when every step got its reply, 1 otherwise (the result file says how far it got).
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def wait_reply(kc, msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def execute(km, kc, step):
    timeout = step.get("timeout", 120)
    started = time.time()
    msg_id = kc.execute(step["execute"], allow_stdin=False)
    outputs = []
    interrupt_at = started + step["interrupt_after"] if "interrupt_after" in step else None
    idle = False
    deadline = started + timeout
    while not idle:
        if interrupt_at is not None and time.time() >= interrupt_at:
            km.interrupt_kernel()
            interrupt_at = None
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except Exception:  # queue.Empty: nothing yet
            if time.time() > deadline:
                raise TimeoutError("no idle status after %s s" % timeout)
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            idle = msg["content"]["execution_state"] == "idle"
        elif kind not in ("execute_input",):
            outputs.append({"msg_type": kind, "content": msg["content"]})
    reply = wait_reply(kc, msg_id, timeout)
    return {
        "status": reply.get("status"),
        "ename": reply.get("ename"),
        "evalue": reply.get("evalue"),
        "traceback": reply.get("traceback"),
        "outputs": outputs,
        "seconds": round(time.time() - started, 3),
    }


def main():
    script_path, result_path = sys.argv[1], sys.argv[2]
    with open(script_path) as f:
        script = json.load(f)
    results = []
    km, kc = start_new_kernel(kernel_name=script.get("kernel_name", "segattr"), startup_timeout=120)
    code = 0
    try:
        for step in script["steps"]:
            try:
                if "execute" in step:
                    results.append(execute(km, kc, step))
                elif "complete" in step:
                    msg_id = kc.complete(step["complete"], step["cursor"])
                    results.append(wait_reply(kc, msg_id, 60))
                elif "inspect" in step:
                    msg_id = kc.inspect(step["inspect"], step["cursor"], detail_level=0)
                    results.append(wait_reply(kc, msg_id, 60))
                else:
                    raise ValueError("unknown step %r" % step)
            except Exception as e:  # record and go on: the test reports which step failed
                results.append({"driver_error": "%s: %s" % (type(e).__name__, e)})
                code = 1
            with open(result_path, "w") as f:
                json.dump(results, f, indent=1)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return code


if __name__ == "__main__":
    sys.exit(main())
