"""What the tests share: databases, rows, the test course, a chat with the bot.

Plain importable modules, so conftest.py files hold only fixtures (pytest advises against
importing from conftest.py).
"""
