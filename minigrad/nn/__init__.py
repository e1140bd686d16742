"""Layers and models: `from minigrad import nn`."""
from . import init
from .parameter import Parameter
from .module import Module
from .container import Sequential, ModuleList, MLP
from .linear import Linear, Embedding, Flatten
from .conv import Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d
from .normalization import (BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, Dropout,
                            Dropout2d)
from .activation import Identity, ReLU, Sigmoid, Tanh, GELU, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax
from .recurrent import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell
from .attention import MultiheadAttention
from .transformer import TransformerEncoderLayer, TransformerEncoder
