package eventstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"accord/domain"

	"github.com/nats-io/nats.go/jetstream"
)

// StreamName is the one stream that holds every alliance's events.
const StreamName = "ACCORD"

// SubjectPrefix starts every alliance's subject: accord.events.<alliance_id>.
const SubjectPrefix = "accord.events."

// streamSubject matches every alliance's subject and nothing else: one
// subject per alliance, never one per event type, since each distinct
// subject costs server memory.
const streamSubject = SubjectPrefix + "*"

// Subject returns the subject that holds an alliance's events.
func Subject(allianceID string) string {
	return SubjectPrefix + allianceID
}

// allianceOf returns the alliance id of a subject in the stream.
func allianceOf(subject string) string {
	return strings.TrimPrefix(subject, SubjectPrefix)
}

// checkAllianceID returns an Invalid error unless id can be one token of a
// subject: not empty, no dots, wildcards or whitespace.
func checkAllianceID(id string) error {
	if id == "" || strings.ContainsAny(id, ".*> \t\r\n") {
		return domain.Errorf(domain.Invalid, "%q is not a valid alliance id", id)
	}
	return nil
}

// streamConfig is the stream Open creates: file storage that never forgets.
func streamConfig(o options) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:              StreamName,
		Description:       "accord: every alliance's events, one subject per alliance",
		Subjects:          []string{streamSubject},
		Retention:         jetstream.LimitsPolicy,
		Storage:           jetstream.FileStorage,
		Replicas:          o.replicas,
		MaxMsgs:           -1,
		MaxBytes:          -1,
		MaxMsgsPerSubject: -1,
		MaxAge:            0,
		Duplicates:        o.duplicateWindow,
		DenyDelete:        true,
		DenyPurge:         true,
		AllowRollup:       false,
		AllowMsgTTL:       false,
	}
}

// checkStream returns an error wrapping ErrUnsafeStream that lists every
// setting of cfg under which the stream could forget, lose or not hold
// accord's events; nil when there is none.
func checkStream(cfg jetstream.StreamConfig) error {
	var problems []string
	add := func(bad bool, problem string) {
		if bad {
			problems = append(problems, problem)
		}
	}
	add(!slices.Contains(cfg.Subjects, streamSubject), fmt.Sprintf("its subjects %v do not include %s", cfg.Subjects, streamSubject))
	add(cfg.Storage != jetstream.FileStorage, "it is not on file storage")
	add(cfg.Retention != jetstream.LimitsPolicy, fmt.Sprintf("its retention is %s, which deletes consumed messages", cfg.Retention))
	add(!cfg.DenyDelete, "it allows deleting messages (deny_delete is off)")
	add(!cfg.DenyPurge, "it allows purging (deny_purge is off)")
	add(cfg.AllowRollup, "it allows rollups")
	add(cfg.AllowMsgTTL || cfg.SubjectDeleteMarkerTTL > 0, "it allows message TTLs")
	add(cfg.MaxAge > 0, fmt.Sprintf("it has a max age (%s)", cfg.MaxAge))
	add(cfg.MaxMsgs > 0, fmt.Sprintf("it has a message limit (%d)", cfg.MaxMsgs))
	add(cfg.MaxBytes > 0, fmt.Sprintf("it has a size limit (%d bytes)", cfg.MaxBytes))
	add(cfg.MaxMsgsPerSubject > 0, fmt.Sprintf("it has a per-subject limit (%d), which deletes history", cfg.MaxMsgsPerSubject))
	add(cfg.PersistMode == jetstream.AsyncPersistMode, "it acknowledges writes before persisting them (async persist mode)")
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: refusing to start: stream %s: %s", ErrUnsafeStream, cfg.Name, strings.Join(problems, "; "))
}

// ensureStream returns the ACCORD stream, creating it if it does not exist,
// after checking that its settings keep every event. It returns an error
// wrapping ErrUnsafeStream when they do not, and one of kind Unavailable when
// JetStream cannot be reached.
func ensureStream(ctx context.Context, js jetstream.JetStream, o options) (jetstream.Stream, error) {
	stream, err := js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		stream, err = js.CreateStream(ctx, streamConfig(o))
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			// Another accord instance created it first; check theirs.
			stream, err = js.Stream(ctx, StreamName)
		}
	}
	if err != nil {
		return nil, classify("open stream "+StreamName, err)
	}
	if err := checkStream(stream.CachedInfo().Config); err != nil {
		return nil, err
	}
	return stream, nil
}
