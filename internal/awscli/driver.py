# The AWS CLI's own driver, run once per command read from stdin (a JSON
# object {"args": [...]}), answering each with one JSON line holding the
# exit code and what the command printed; see package awscli.
import io
import json
import sys

from awscli.clidriver import create_clidriver

real_out, real_err = sys.stdout, sys.stderr
for line in sys.stdin:
    request = json.loads(line)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        code = create_clidriver().main(request["args"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException as e:  # the CLI's own failure: report it, keep serving
        err.write(repr(e))
        code = 255
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    out.flush()
    err.flush()
    real_out.write(json.dumps({
        "code": code,
        "stdout": out.buffer.getvalue().decode("utf-8", "replace"),
        "stderr": err.buffer.getvalue().decode("utf-8", "replace"),
    }) + "\n")
    real_out.flush()
