"""A part-of-speech tagger as PyTorch's "Sequence Models and LSTM Networks"
tutorial builds it: word embeddings, an nn.LSTM over the sentence (input
of shape (seq_len, batch=1, features)), a linear layer to tag space and
log_softmax, trained with NLLLoss and SGD, one sentence at a time;
`prepare_sequence` turns words into a LongTensor of indices.
"""
import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim

training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
    ("A cat saw the dog".split(), ["DET", "NN", "V", "DET", "NN"]),
]
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}
EMBEDDING_DIM = 6
HIDDEN_DIM = 6


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


def vocabulary():
    word_to_ix = {}
    for sent, tags in training_data:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    return word_to_ix


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def initial_weights(seed=0):
    torch.manual_seed(seed)
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(vocabulary()), len(tag_to_ix))
    return {k: v.numpy() for k, v in model.state_dict().items()}


def run(init=None, epochs=30, verbose=False):
    word_to_ix = vocabulary()
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(epochs):
        for sentence, tags in training_data:
            model.zero_grad()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(sentence_in)
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        inputs = prepare_sequence(training_data[0][0], word_to_ix)
        tag_scores = model(inputs)
        if verbose:
            print(tag_scores.argmax(dim=1))
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.4f}")
