//! LoRA (placeholder during development).
