"""A bag-of-words language classifier as PyTorch's "Deep Learning with
PyTorch" NLP tutorial writes it: each sentence becomes a vector of word
counts (`vec[word_to_ix[word]] += 1` on a torch.zeros vector), one
nn.Linear layer and log_softmax, NLLLoss and SGD; the label is a
LongTensor made with `torch.LongTensor([label_to_ix[label]])`.
"""
import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim

data = [("me gusta comer en la cafeteria".split(), "SPANISH"),
        ("Give it to me".split(), "ENGLISH"),
        ("No creo que sea una buena idea".split(), "SPANISH"),
        ("No it is not a good idea to get lost at sea".split(), "ENGLISH")]
test_data = [("Yo creo que si".split(), "SPANISH"),
             ("it is lost on me".split(), "ENGLISH")]
label_to_ix = {"SPANISH": 0, "ENGLISH": 1}
NUM_LABELS = 2


def vocabulary():
    word_to_ix = {}
    for sent, _ in data + test_data:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    return word_to_ix


class BoWClassifier(nn.Module):

    def __init__(self, num_labels, vocab_size):
        super(BoWClassifier, self).__init__()
        self.linear = nn.Linear(vocab_size, num_labels)

    def forward(self, bow_vec):
        return F.log_softmax(self.linear(bow_vec), dim=1)


def make_bow_vector(sentence, word_to_ix):
    vec = torch.zeros(len(word_to_ix))
    for word in sentence:
        vec[word_to_ix[word]] += 1
    return vec.view(1, -1)


def make_target(label, label_to_ix):
    return torch.LongTensor([label_to_ix[label]])


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in BoWClassifier(NUM_LABELS, len(vocabulary())).state_dict().items()}


def run(init=None, epochs=100, verbose=False):
    word_to_ix = vocabulary()
    model = BoWClassifier(NUM_LABELS, len(word_to_ix))
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(epochs):
        for instance, label in data:
            model.zero_grad()
            bow_vec = make_bow_vector(instance, word_to_ix)
            target = make_target(label, label_to_ix)
            log_probs = model(bow_vec)
            loss = loss_function(log_probs, target)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        total = 0.0
        for instance, label in test_data:
            log_probs = model(make_bow_vector(instance, word_to_ix))
            total += loss_function(log_probs, make_target(label, label_to_ix)).item()
            if verbose:
                print(instance, log_probs)
    return total / len(test_data)


if __name__ == "__main__":
    print(f"final test loss: {run(verbose=True):.4f}")
