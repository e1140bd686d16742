"""Layers and models: `from minigrad import nn`."""
from . import init
from .parameter import Parameter
from .module import Module
from .container import Sequential, ModuleList, MLP
from .linear import Linear, Embedding, Flatten
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import (MaxPool1d, AvgPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d,
                      MaxUnpool2d)
from .resize import Upsample
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm, Dropout
from .activation import Identity, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax
from .recurrent import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell
