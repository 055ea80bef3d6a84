// Package ledger is accord's application: one Ledger per process executes
// commands and answers queries for the HTTP API, the deadline closer and
// `accord bench`. A command runs through the runner (load the alliance,
// decide, append at the expected position, retry on conflict) with the ids
// it creates derived from its command id, so a retry answers as the first
// call did; the answer waits until the read models show the write, so the
// caller reads its own write next. Queries read the read models now, or
// fold the log as of a seq or an instant. The ledger also issues, revokes
// and resolves credentials, and closes votes at their deadlines.
package ledger
