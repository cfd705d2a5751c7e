"""The broadcasts' SQL, one module per concern: `enqueue` (a broadcast and its deliveries),
`claims` (a sender taking deliveries and writing what became of them) and the rest beside them.
SQL only; the rules are in bot.services.broadcasts."""
