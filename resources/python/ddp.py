"""One trainer script for one process or many: the process group the PyTorch trainers share.

Run alone (`python3 train_x.py ...`, or torchrun with --nproc_per_node 1) it is a group of one and nothing is
initialised. Under torchrun (`python3 -m torch.distributed.run --nproc_per_node N train_x.py ...`, as
pipeline/training/python-trainer.ts starts it for `--procs N`) torchrun sets RANK, LOCAL_RANK and WORLD_SIZE: each
process trains on its share of the batches inside DistributedDataParallel (gloo on the CPU, NCCL when every local
process has its own GPU), so all ranks hold the same weights after every step; rank 0 alone prints progress and
writes checkpoints and the exported model.
"""
import hashlib
import os
from datetime import timedelta

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel


class Group:
    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(self.world)))
        # A GPU per local process, else the CPU: NCCL cannot put two ranks on one GPU, gloo runs anywhere.
        self.cuda = torch.cuda.is_available() and torch.cuda.device_count() >= local_world
        self.device = torch.device("cuda", self.local_rank) if self.cuda else torch.device("cpu")
        if self.cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            if not dist.is_available():
                raise SystemExit("this PyTorch build has no torch.distributed: train with one process")
            # A rank that never joins or dies mid-step turns into an error on the others after this long instead of a
            # run that waits forever (PyTorch's default is 30 min; tests set GDS_DDP_TIMEOUT_S lower).
            timeout = timedelta(seconds=float(os.environ.get("GDS_DDP_TIMEOUT_S", "1800")))
            dist.init_process_group("nccl" if self.cuda else "gloo", timeout=timeout)

    @property
    def main(self):
        return self.rank == 0

    def wrap(self, module):
        """The module to train: DistributedDataParallel averages gradients across ranks (and starts them from rank 0's weights)."""
        module = module.to(self.device)
        if self.world == 1:
            return module
        return DistributedDataParallel(module, device_ids=[self.local_rank] if self.cuda else None)

    def shard(self, items):
        """This rank's share of a list every rank built the same way; padded by wrapping around so every rank runs the
        same number of steps (a rank with one step less would wait for the others forever)."""
        if self.world == 1:
            return list(items)
        items = list(items)
        if not items:
            return items
        total = -(-len(items) // self.world) * self.world
        padded = items + [items[i % len(items)] for i in range(total - len(items))]
        return padded[self.rank::self.world]

    def any(self, flag):
        """True on every rank when it is true on one: stop decisions (time budgets) must be the same everywhere."""
        if self.world == 1:
            return bool(flag)
        t = torch.tensor([1.0 if flag else 0.0], device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item() > 0)

    def sum(self, *values):
        """Sums of numbers across ranks (losses and counts of each rank's share)."""
        if self.world == 1:
            return values
        t = torch.tensor([float(v) for v in values], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return tuple(t.tolist())

    def close(self):
        if self.world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def unwrap(module):
    return module.module if isinstance(module, DistributedDataParallel) else module


def state_hash(module):
    """sha256 of a model's weights in a fixed order: ranks that agree on every weight print the same hash."""
    h = hashlib.sha256()
    for name, t in sorted(unwrap(module).state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def write_rank_hash(directory, group, module):
    """`--rank-hashes DIR`: each rank writes rank-<r>.sha256, so a test can check that the ranks ended in agreement."""
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"rank-{group.rank}.sha256"), "w") as f:
        f.write(state_hash(module) + "\n")
