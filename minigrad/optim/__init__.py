"""Optimisers (`from minigrad import optim`): update rules that change
parameters from their gradients, gradient clipping, and lr schedulers."""
from .optimizer import Optimizer
from .sgd import SGD
from .adaptive import AdaGrad, Adagrad, RMSprop, AdaDelta, Adadelta, Adam, AdamW
from .clip import clip_grad_norm_
from . import lr_scheduler
