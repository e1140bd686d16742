"""The named pairs PyTorch's reductions with indices return
(`torch.return_types`): `values, indices = x.max(dim=0)` and
`x.max(dim=0).indices` both work, and `x.max(1, keepdim=True)[1]` is the
indices, as in PyTorch."""
from collections import namedtuple

FIELDS = ("values", "indices")

max = namedtuple("max", FIELDS)
min = namedtuple("min", FIELDS)
sort = namedtuple("sort", FIELDS)
topk = namedtuple("topk", FIELDS)
kthvalue = namedtuple("kthvalue", FIELDS)
median = namedtuple("median", FIELDS)
mode = namedtuple("mode", FIELDS)
cummax = namedtuple("cummax", FIELDS)
cummin = namedtuple("cummin", FIELDS)
