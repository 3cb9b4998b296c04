"""What a tagging run found: counts that add up across parts and resumed runs."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Summary:
    rows: int = 0
    tagged: int = 0
    rejected: int = 0
    labels: Counter = field(default_factory=Counter)
    sentiment: Counter = field(default_factory=Counter)
    flagged_messages: int = 0
    flagged_customers: set = field(default_factory=set)

    def add(self, other: "Summary") -> None:
        self.rows += other.rows
        self.tagged += other.tagged
        self.rejected += other.rejected
        self.labels.update(other.labels)
        self.sentiment.update(other.sentiment)
        self.flagged_messages += other.flagged_messages
        self.flagged_customers |= other.flagged_customers

    def dumps(self) -> bytes:
        data = {**self.__dict__, "flagged_customers": sorted(self.flagged_customers)}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def load(cls, path: Path) -> "Summary":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            rows=data["rows"], tagged=data["tagged"], rejected=data["rejected"],
            labels=Counter(data["labels"]), sentiment=Counter(data["sentiment"]),
            flagged_messages=data["flagged_messages"], flagged_customers=set(data["flagged_customers"]),
        )  # fmt: skip
