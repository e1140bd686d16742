"""Pictures of the computation graph and of the forward and backward pass through it."""
from .dot import to_dot, render, GraphvizNotFoundError
from .modules import module_scopes
from .trace import trace_backward, BackwardTrace, Step
from .notebook import show
from .opmath import op_math
