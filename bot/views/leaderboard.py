from __future__ import annotations

from bot import texts
from bot.callbacks.learner import LeaderboardCb, MenuAction, MenuCb
from bot.services.leaderboard import Board, BoardRow
from bot.texts import leaderboard as t
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import clip
from db.enums import LeaderboardPeriod

# Telegram shows a long name on one line only up to a point; the rest would wrap the board.
NAME_LIMIT = 32


def _period_label(period: LeaderboardPeriod) -> str:
    return str(t.WEEKLY if period is LeaderboardPeriod.WEEKLY else t.ALL_TIME)


def _line(row: BoardRow, board: Board) -> str:
    name = clip(row.first_name or str(t.NO_NAME), NAME_LIMIT, ellipsis="")
    return t.board_line(row.rank, name, row.total_score, me=row.user_id == board.user_id)


def leaderboard_screen(board: Board) -> Screen:
    lines = [f"{t.TITLE} · {_period_label(board.period)}"]
    if board.age_seconds is None:
        lines += ["", str(t.BEING_PREPARED)]
    else:
        lines += [f"<i>{t.updated_ago(board.age_seconds)}</i>", ""]
        lines += [_line(row, board) for row in board.top]
        if not board.top:
            lines.append(str(t.NO_XP_THIS_WEEK))
        elif board.me is None:
            lines += ["", str(t.NOT_RANKED)]
        elif board.me_below_top:
            lines += [t.GAP, _line(board.me, board)]
    other = (
        LeaderboardPeriod.ALL_TIME
        if board.period is LeaderboardPeriod.WEEKLY
        else LeaderboardPeriod.WEEKLY
    )
    kb = Keyboard()
    kb.button(text=_period_label(other), callback_data=LeaderboardCb(period=other))
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())
