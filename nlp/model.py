"""The multi-task model: one encoder, three heads (complaints, sentiment, urgency).

Importing this module registers the classes with the transformers Auto classes, so
`AutoModel.from_pretrained(model_dir)` works once `nlp.model` has been imported.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PreTrainedModel
from transformers import initialization as init
from transformers.utils import ModelOutput

from nlp.config import TriageConfig

IGNORE = -100
"""Target value of a single-choice head for a record that carries no such annotation."""


@dataclass
class TriageOutput(ModelOutput):
    loss: torch.Tensor | None = None
    complaint_logits: torch.Tensor | None = None
    sentiment_logits: torch.Tensor | None = None
    urgency_logits: torch.Tensor | None = None
    token_scores: torch.Tensor | None = None
    """(batch, tokens, labels + 1, 2): per token and per complaint label (then the urgency «high»
    margin), its term of the logit and its pooling weight (`TriageModel.token_scores`)."""


class HeadLogits(NamedTuple):
    """The three heads' logits, as `TriageOutput` carries them (there each may be None)."""

    complaint: torch.Tensor
    sentiment: torch.Tensor
    urgency: torch.Tensor


class AttentionPool(nn.Module):
    """One learned query per output: each pools the tokens that matter to it.

    Per-label attention (as in label-wise attention networks for multi-label text) lets a
    single decisive phrase drive a label however long the message is, which mean pooling
    dilutes.
    """

    def __init__(self, hidden: int, queries: int) -> None:
        super().__init__()
        self.queries = nn.Parameter(torch.empty(queries, hidden))

    def weights(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, tokens, queries): each query's attention over the tokens."""
        scores = hidden @ self.queries.T / math.sqrt(hidden.shape[-1])
        scores = scores.masked_fill(attention_mask.unsqueeze(-1) == 0, torch.finfo(scores.dtype).min)
        return scores.softmax(dim=1)


def mean_weights(attention_mask: torch.Tensor, queries: int, dtype: torch.dtype) -> torch.Tensor:
    """(batch, tokens, queries): the masked mean as pooling weights, the same for every output."""
    mask = attention_mask.to(dtype)
    weights = mask / mask.sum(1, keepdim=True).clamp(min=1.0)
    return weights.unsqueeze(-1).expand(-1, -1, queries)


class TriageModel(PreTrainedModel):
    config_class = TriageConfig
    base_model_prefix = "encoder"

    def __init__(self, config: TriageConfig) -> None:
        super().__init__(config)
        self.encoder = AutoModel.from_config(config.encoder_config())
        hidden = self.encoder.config.hidden_size
        labels = len(config.complaint_labels)
        self.dropout = nn.Dropout(config.classifier_dropout)
        self.pool = AttentionPool(hidden, labels + 2)  # one query per label, sentiment, urgency
        self.complaint_head = nn.Parameter(torch.empty(labels, hidden))
        self.complaint_bias = nn.Parameter(torch.zeros(labels))
        self.sentiment_head = nn.Linear(hidden, len(config.sentiments))
        self.urgency_head = nn.Linear(hidden, len(config.urgencies))
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if module is self:
            init.normal_(self.complaint_head, std=0.02)
            init.zeros_(self.complaint_bias)
        elif isinstance(module, AttentionPool):
            init.normal_(module.queries, std=0.02)
        elif module in (self.sentiment_head, self.urgency_head):
            init.normal_(module.weight, std=0.02)
            init.zeros_(module.bias)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        complaint_labels: torch.Tensor | None = None,
        complaint_mask: torch.Tensor | None = None,
        sentiment: torch.Tensor | None = None,
        urgency: torch.Tensor | None = None,
        return_token_scores: bool = False,
        **_: object,
    ) -> TriageOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = self.pool_weights(hidden, attention_mask)
        pooled = self.dropout(torch.einsum("btq,bth->bqh", weights, hidden))
        labels = self.complaint_head.shape[0]
        logits = HeadLogits(
            complaint=(pooled[:, :labels] * self.complaint_head).sum(-1) + self.complaint_bias,
            sentiment=self.sentiment_head(pooled[:, labels]),
            urgency=self.urgency_head(pooled[:, labels + 1]),
        )
        output = TriageOutput(
            complaint_logits=logits.complaint,
            sentiment_logits=logits.sentiment,
            urgency_logits=logits.urgency,
        )
        if return_token_scores:
            output.token_scores = self.token_scores(hidden, weights)
        if complaint_labels is not None or sentiment is not None or urgency is not None:
            output.loss = multitask_loss(logits, complaint_labels, complaint_mask, sentiment, urgency)
        return output

    def pool_weights(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        if self.config.pooling == "mean":
            return mean_weights(attention_mask, self.pool.queries.shape[0], hidden.dtype)
        return self.pool.weights(hidden, attention_mask)

    def token_scores(self, hidden: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """Per token and target: (term, pooling weight). The heads are linear in pooled vectors that
        are weighted sums of the tokens, so each logit minus its bias is exactly the sum of the
        tokens' terms (pooling weight × the token's projection on the head); the weights let
        `nlp.attribution` renormalise the pool when a phrase is taken out. Urgency uses the
        direction of «high» against the mean of the other classes."""
        labels = self.complaint_head.shape[0]
        urgency = self.urgency_head.weight
        high = self.config.flag_index
        others = torch.cat([urgency[:high], urgency[high + 1 :]]).mean(0)
        directions = torch.cat([self.complaint_head, (urgency[high] - others).unsqueeze(0)])
        pool = torch.cat([weights[..., :labels], weights[..., labels + 1 :]], dim=-1)
        return torch.stack([pool * (hidden @ directions.T), pool], dim=-1)


def multitask_loss(
    logits: HeadLogits,
    complaint_labels: torch.Tensor | None,
    complaint_mask: torch.Tensor | None,
    sentiment: torch.Tensor | None,
    urgency: torch.Tensor | None,
) -> torch.Tensor:
    """Sum of the three heads' losses; each counts only the records annotated for it."""
    loss = logits.complaint.new_zeros(())
    if complaint_labels is not None:
        loss = loss + masked_bce(logits.complaint, complaint_labels.float(), complaint_mask)
    for head, target in ((logits.sentiment, sentiment), (logits.urgency, urgency)):
        if target is not None and target.is_floating_point():
            loss = loss + soft_cross_entropy(head, target)
        elif target is not None and bool((target != IGNORE).any()):
            loss = loss + nn.functional.cross_entropy(head, target, ignore_index=IGNORE)
    return loss


def soft_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy against class probabilities (a teacher's, in distillation), averaged over the
    records whose row sums to more than zero (an all-zero row carries no annotation)."""
    annotated = (target.sum(-1) > 0).to(logits.dtype)
    per_record = -(target * logits.log_softmax(-1)).sum(-1)
    return (per_record * annotated).sum() / annotated.sum().clamp(min=1.0)


def masked_bce(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Binary cross-entropy summed over labels (a mean would shrink each label's gradient by
    the number of labels against the single-choice heads), averaged over annotated records."""
    per_record = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none").sum(-1)
    if mask is None:
        return per_record.mean()
    mask = mask.to(per_record.dtype)
    return (per_record * mask).sum() / mask.sum().clamp(min=1.0)


AutoConfig.register(TriageConfig.model_type, TriageConfig)
AutoModel.register(TriageConfig, TriageModel)
