"""A person in the loop (contract §8): staff take a conversation, write, and hand it back."""
