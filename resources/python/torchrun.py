"""`python3 torchrun.py ARGS...` = `python3 -m torch.distributed.run ARGS...` (torchrun), made to work on Debian's PyTorch.

PyTorch 1.13 (Debian 12's python3-torch) on Python 3.11 cannot parse torchrun's own defaults: `Std.from_str("0")`
returns None because Python 3.11 no longer lists the zero member when iterating an IntFlag, and the launcher then fails
with "'NoneType' object has no attribute 'get'". This shim fixes that one parser when (and only when) it is broken, then
runs torchrun unchanged. pipeline/training/python-trainer.ts starts the trainers through it for `--procs N`.
"""
import re
import runpy

from torch.distributed.elastic.multiprocessing import api


def _from_str(cls, vm):
    if re.fullmatch(r"[0-3]", vm):
        return cls(int(vm))
    if re.fullmatch(r"(\d:[0-3],)*\d:[0-3]", vm):
        return {int(i): cls(int(v)) for i, v in (m.split(":") for m in vm.split(","))}
    raise ValueError(f"{vm} is not a redirect/tee setting (0-3, or LOCAL_RANK:0-3,...)")


if api.Std.from_str("0") is None:
    api.Std.from_str = classmethod(_from_str)

if __name__ == "__main__":
    runpy.run_module("torch.distributed.run", run_name="__main__", alter_sys=True)
