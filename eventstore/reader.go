package eventstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// readHeartbeat is how often the server of an idle consumer says that it is
// still there. When two in a row do not come, the consumer is taken for
// lost (its node went away) and the reader moves to a new one.
const readHeartbeat = 500 * time.Millisecond

// errReconnected is why a reader leaves a consumer after a reconnect.
var errReconnected = errors.New("the connection to NATS was re-established; deliveries may have been lost")

// reader delivers the messages on a subject ("" = all) in stream order, with
// no gap and no repeat, through an ephemeral consumer of its own. It
// replaces the consumer, from the message after the last one it delivered,
// whenever the consumer goes quiet (its node is gone), the connection to
// NATS is re-established (deliveries may have been lost in between), a
// delivery is missing, or the server drops it. jetstream's ordered consumer
// does the same, but waits 1 s, 2 s, 4 s… between tries of ten seconds each,
// and notices a lost node only after ten seconds of silence: a read model
// would be left behind by tens of seconds.
type reader struct {
	s        *Store
	subject  string
	patience time.Duration // how long to go without delivering; forever
	trouble  trouble

	prefix    string // of its consumers' names
	serial    int
	next      uint64 // stream seq of the next message to deliver
	delivered uint64 // consumer seq of the last message taken from the current consumer

	it     jetstream.MessagesContext
	live   context.Context // ends when the connection is re-established
	unwind func()
}

// newReader returns a reader of subject from stream seq from (0 = the
// start). purpose names its consumers ("follow", "read") for an operator
// looking at the stream's consumers. It has no consumer until the first
// call of next (or open).
func (s *Store) newReader(subject string, from uint64, purpose string, patience time.Duration) *reader {
	var random [6]byte
	_, _ = rand.Read(random[:]) // never fails (crypto/rand crashes the process instead)
	id := hex.EncodeToString(random[:])
	return &reader{
		s: s, subject: subject, patience: patience, next: max(from, 1),
		prefix:  "accord_" + purpose + "_" + id,
		trouble: trouble{what: purpose + " " + subjectOrAll(subject)},
	}
}

func subjectOrAll(subject string) string {
	if subject == "" {
		return "every alliance"
	}
	return subject
}

// nextMessage returns the next message: its stream seq, its records and how
// many messages on the subject came after it when it was delivered. It
// returns ctx's error once ctx ends, an Unavailable error when it has
// delivered nothing for the reader's patience while failing, or the
// connection is closed for good, and a *MalformedError for a message that
// does not decode.
func (r *reader) nextMessage(ctx context.Context) (uint64, []Record, uint64, error) {
	return r.appendNext(ctx, nil)
}

// appendNext is nextMessage with the message's records appended to dst, so
// that a reader gathers many messages' records in one slice; on failure it
// returns dst as it was.
func (r *reader) appendNext(ctx context.Context, dst []Record) (uint64, []Record, uint64, error) {
	for {
		if r.it == nil {
			if err := r.open(ctx); err != nil {
				return 0, dst, 0, err
			}
		}
		msg, err := r.take()
		if err == nil {
			var meta *jetstream.MsgMetadata
			if meta, err = r.inOrder(msg); err == nil {
				return r.deliver(msg, meta, dst)
			}
		}
		if ctx.Err() != nil {
			return 0, dst, 0, classify("read", ctx.Err())
		}
		if r.live.Err() != nil {
			err = errReconnected
		}
		if r.s.nc.IsClosed() {
			return 0, dst, 0, classify("read", nats.ErrConnectionClosed)
		}
		r.trouble.failed(err)
		r.drop(false)
		if r.trouble.left(r.patience) == 0 {
			return 0, dst, 0, classify("read", err)
		}
	}
}

// take waits for the consumer's next message. A reader with patience waits
// for a consumer's first message only for as long as its patience lasts:
// it reads what the stream already holds, so a consumer that stays silent
// is on a server whose copy of the stream is behind. A follower waits as
// long as it takes.
func (r *reader) take() (jetstream.Msg, error) {
	if r.patience < 0 || r.delivered > 0 {
		return r.it.Next(jetstream.NextContext(r.live))
	}
	wait := r.trouble.left(r.patience)
	ctx, cancel := context.WithTimeout(r.live, wait)
	defer cancel()
	msg, err := r.it.Next(jetstream.NextContext(ctx))
	if err != nil && r.live.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("consumer %s delivered nothing within %s", r.name(), wait)
	}
	return msg, err
}

// behind leaves the current consumer, whose server's copy of the stream
// ends at seq, short of the end the reading must reach, for a new one
// (which its patience bounds).
func (r *reader) behind(seq, end uint64) {
	r.trouble.failed(fmt.Errorf("the copy of the stream under consumer %s ends at stream seq %d, before %d", r.name(), seq, end))
	r.drop(false)
}

// inOrder returns msg's metadata, or why msg is not the delivery that
// follows the last one taken from the consumer.
func (r *reader) inOrder(msg jetstream.Msg) (*jetstream.MsgMetadata, error) {
	meta, err := msg.Metadata()
	if err != nil {
		return nil, err
	}
	if meta.Sequence.Consumer != r.delivered+1 {
		return nil, fmt.Errorf("delivery %d of consumer %s came after delivery %d", meta.Sequence.Consumer, r.name(), r.delivered)
	}
	return meta, nil
}

// deliver moves the reader past msg, which is in order, and decodes it,
// appending its records to dst.
func (r *reader) deliver(msg jetstream.Msg, meta *jetstream.MsgMetadata, dst []Record) (uint64, []Record, uint64, error) {
	r.trouble.over()
	r.delivered = meta.Sequence.Consumer
	r.next = meta.Sequence.Stream + 1
	records, err := appendMessage(dst, msg.Subject(), meta.Sequence.Stream, msg.Data())
	return meta.Sequence.Stream, records, meta.NumPending, err
}

// open creates a consumer at the reader's place and starts pulling from it,
// trying again (each try bounded, with short pauses) for as long as the
// reader's patience and ctx allow. It returns an Unavailable error when it
// gives up, ctx's error when ctx ends.
func (r *reader) open(ctx context.Context) error {
	again := func(err error) bool {
		r.trouble.failed(err)
		return !r.s.nc.IsClosed()
	}
	err := retry(ctx, r.trouble.left(r.patience), again, func(tryCtx context.Context) error {
		return r.tryOpen(ctx, tryCtx)
	})
	return classify("read "+StreamName, err)
}

// tryOpen makes one try at a consumer; tryCtx bounds the try and ctx the
// reading that follows.
func (r *reader) tryOpen(ctx, tryCtx context.Context) error {
	// Listen for a reconnect before the consumer exists, so that none is
	// missed between the two.
	live, unwind := r.s.untilReconnected(ctx)
	r.serial++
	cons, err := r.s.stream.CreateConsumer(tryCtx, r.config())
	if err != nil {
		unwind()
		if errors.Is(tryCtx.Err(), context.DeadlineExceeded) {
			// It may have been created all the same.
			go r.s.deleteConsumer(r.name())
		}
		return err
	}
	it, err := cons.Messages(jetstream.PullHeartbeat(readHeartbeat))
	if err != nil {
		unwind()
		go r.s.deleteConsumer(r.name())
		return err
	}
	r.it, r.live, r.unwind, r.delivered = it, live, unwind, 0
	return nil
}

// name returns the name of the reader's current consumer.
func (r *reader) name() string {
	return fmt.Sprintf("%s_%d", r.prefix, r.serial)
}

// config is the consumer that reads on from the reader's place: kept in
// the memory of one server, without acknowledgements, removed by the
// server a minute after it is last used.
func (r *reader) config() jetstream.ConsumerConfig {
	cfg := jetstream.ConsumerConfig{
		Name:              r.name(),
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       r.next,
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: time.Minute,
		Replicas:          1,
		MemoryStorage:     true,
	}
	if r.subject != "" {
		cfg.FilterSubject = r.subject
	}
	return cfg
}

// drop stops pulling from the current consumer and deletes it, waiting
// for the deletion only when wait is set: a reader that moves on does not
// wait (the consumer's node may be gone and not answer), nor does a read
// that is over (its caller has what it wanted).
func (r *reader) drop(wait bool) {
	if r.it == nil {
		return
	}
	r.it.Stop()
	r.unwind()
	name := r.name()
	if wait {
		r.s.deleteConsumer(name)
	} else {
		go r.s.deleteConsumer(name)
	}
	r.it, r.live, r.unwind = nil, nil, nil
}

// close ends the reading and deletes the consumer rather than leaving it to
// the server's inactivity cleanup. A follower waits for the deletion, so
// that none is left behind when its connection is closed next; a read does
// not.
func (r *reader) close() { r.drop(r.patience < 0) }

// untilReconnected returns a context that ends with ctx or when the
// connection to NATS is next re-established, and a function that releases
// it.
func (s *Store) untilReconnected(ctx context.Context) (context.Context, func()) {
	live, cancel := context.WithCancel(ctx)
	reconnected := s.nc.StatusChanged(nats.CONNECTED)
	go func() {
		select {
		case _, ok := <-reconnected:
			if ok {
				cancel()
			}
		case <-live.Done():
		}
	}()
	return live, func() {
		cancel()
		s.nc.RemoveStatusListener(reconnected)
	}
}

// deleteConsumer removes a consumer a reader is done with. Failure only
// leaves it to the server's inactivity cleanup, so it is ignored.
func (s *Store) deleteConsumer(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.stream.DeleteConsumer(ctx, name)
}
