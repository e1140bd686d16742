"""Layers and models: `from minigrad import nn`."""
from . import init, utils, functional
from .parameter import Parameter, UninitializedParameter
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList, MLP
from .linear import Linear, Embedding, Flatten, Unflatten
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import (MaxPool1d, AvgPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d,
                      MaxUnpool2d)
from .resize import Upsample
from .normalization import (BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, Dropout,
                            Dropout2d)
from .activation import Identity, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax
from .activation import (ReLU6, Hardtanh, Hardsigmoid, Hardswish, SiLU, Mish, SELU, CELU, Softsign, LogSigmoid,
                         GLU, PReLU)
from .recurrent import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss,
                   NLLLoss, CrossEntropyLoss)
from .attention import MultiheadAttention
from .lazy import LazyLinear, LazyConv2d, LazyBatchNorm2d
from .transformer import TransformerEncoderLayer, TransformerEncoder
from . import parallel
