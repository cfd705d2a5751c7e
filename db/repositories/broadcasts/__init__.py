"""The broadcasts' SQL, one module per concern: `enqueue` (a broadcast and its deliveries),
`overview` (what admins see and cancel), `claims` (a sender taking deliveries), `outcomes` (what
became of them, finishing broadcasts) and `pace` (the shared send slot). SQL only; the rules are
in bot.services.broadcasts."""
