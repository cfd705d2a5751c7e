"""The callback data of every button: views build keyboards from them, handlers filter on them."""
