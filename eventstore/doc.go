// Package eventstore is accord's event log on NATS JetStream: one stream,
// ACCORD, with one subject per alliance. It appends events with optimistic
// concurrency on the alliance's subject, de-duplicates retried commands by
// their command id, keeps the hash chain, and reads, replays and follows the
// log. It keeps what else accord stores in NATS, in key-value buckets:
// credentials (CredentialBucket) and read-model snapshots (SnapshotBucket).
// It also starts the embedded nats-server that `accord serve` uses when
// no external NATS is given, whose clients must log in as AccordUser or as
// ReaderUser, who may only read the stream.
//
// Every stored message holds the events of one command: their exact stored
// lines (see domain.Encode) joined by "\n". A Record is one of those events
// with its stored bytes, hash and the stream sequence of its message.
//
// On a cluster, reads ride out the loss of a node: a request that gets no
// answer is sent again after a moment (each try bounded, the pauses short
// and capped), and a reader whose consumer went quiet, or whose connection
// moved to another node, reads on from a new consumer after the last
// message it delivered. A read answers Unavailable only once it has got
// nowhere for five seconds; a live follower never gives up.
package eventstore
