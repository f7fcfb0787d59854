"""Every hyperparameter in one place (lesson_code.tictactoe.config)."""

from __future__ import annotations

import dataclasses

from lesson_code.tictactoe.config import MATCHES, X_ACTION_POSITIONS, X_ACTION_TOKENS, Config
from lesson_code.tictactoe.game import MAX_LEN, VOCAB_SIZE


def test_quick_is_smaller_and_keeps_what_it_is_given() -> None:
    quick = Config.quick(seed=7, beta=0.0)
    assert quick.seed == 7
    assert quick.beta == 0.0
    assert quick.pretrain_steps < Config().pretrain_steps
    assert quick.eval_games < Config().eval_games


def test_the_model_config_fits_the_game() -> None:
    model = Config(n_embd=32).model_config()
    assert (model.vocab_size, model.block_size, model.n_embd) == (VOCAB_SIZE, MAX_LEN, 32)


def test_x_moves_are_read_one_position_after_the_logits_that_chose_them() -> None:
    positions = list(range(MAX_LEN))[X_ACTION_POSITIONS]
    tokens = list(range(MAX_LEN))[X_ACTION_TOKENS]
    assert positions == [0, 2, 4, 6, 8]
    assert tokens == [p + 1 for p in positions]


def test_every_field_is_a_hyperparameter_with_a_default() -> None:
    for field in dataclasses.fields(Config):
        assert field.default is not dataclasses.MISSING, field.name
    assert len({match for match, _, _ in MATCHES}) == 4
