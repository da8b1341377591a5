"""福祉健康窓口連携ヘルプデスク: staff ask where to refer a case; the NLU reads the question."""
