# Seq2seq model of the next-line recommender: bidirectional GRU encoder, GRU decoder with Luong global attention.
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, SOS, EOS, UNK = 0, 1, 2, 3


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout):
        super().__init__()
        self.hidden = hidden
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.gru = nn.GRU(emb, hidden, layers, dropout=dropout if layers > 1 else 0.0, bidirectional=True, batch_first=True)

    def forward(self, src, lengths=None):
        x = self.embedding(src)
        if lengths is not None:
            # Packing keeps padding out of the backward direction, so training matches unpadded inference.
            x = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, h = self.gru(x)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        else:
            out, h = self.gru(x)
        # The report sums the two directions instead of concatenating them.
        out = out[:, :, : self.hidden] + out[:, :, self.hidden :]
        return out, h


class Attention(nn.Module):
    def __init__(self, method, hidden):
        super().__init__()
        self.method = method
        if method == 'general':
            self.attn = nn.Linear(hidden, hidden, bias=False)
        elif method == 'concat':
            self.attn = nn.Linear(hidden * 2, hidden)
            self.v = nn.Parameter(torch.rand(hidden) * 0.1)
        elif method != 'dot':
            raise ValueError(f'unknown attention {method}')

    def forward(self, h, enc, mask):
        # h: (B,H) decoder output; enc: (B,T,H); mask: (B,T) 1 for real tokens.
        if self.method == 'dot':
            scores = torch.bmm(enc, h.unsqueeze(2)).squeeze(2)
        elif self.method == 'general':
            scores = torch.bmm(self.attn(enc), h.unsqueeze(2)).squeeze(2)
        else:
            hh = h.unsqueeze(1).expand(-1, enc.size(1), -1)
            scores = torch.tanh(self.attn(torch.cat([hh, enc], dim=2))).matmul(self.v)
        scores = scores.masked_fill(mask < 0.5, -1e9)
        return F.softmax(scores, dim=1)


class Decoder(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout, attn):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.drop = nn.Dropout(dropout)
        self.gru = nn.GRU(emb, hidden, layers, dropout=dropout if layers > 1 else 0.0, batch_first=True)
        self.attn = Attention(attn, hidden)
        self.concat = nn.Linear(hidden * 2, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, token, hidden, enc, mask):
        x = self.drop(self.embedding(token)).unsqueeze(1)
        out, hidden = self.gru(x, hidden)
        out = out.squeeze(1)
        w = self.attn(out, enc, mask)
        ctx = torch.bmm(w.unsqueeze(1), enc).squeeze(1)
        cat = torch.tanh(self.concat(torch.cat([out, ctx], dim=1)))
        return F.log_softmax(self.out(cat), dim=1), hidden


class Seq2Seq(nn.Module):
    def __init__(self, vocab, emb=96, hidden=192, layers=2, dropout=0.1, attn='general'):
        super().__init__()
        self.layers = layers
        self.encoder = Encoder(vocab, emb, hidden, layers, dropout)
        self.decoder = Decoder(vocab, emb, hidden, layers, dropout, attn)

    def init_hidden(self, h):
        # Both directions of each encoder layer, summed, seed the matching decoder layer.
        hv = h.view(self.layers, 2, h.size(1), h.size(2))
        return (hv[:, 0] + hv[:, 1]).contiguous()


class EncoderExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, src):
        out, h = self.model.encoder(src)
        return out, self.model.init_hidden(h)
