//! Bellamy Book's mutations through HTTP, part 2 (being written).
