package eventstore

import (
	"fmt"
	"time"
)

// Option configures Open. Each validates its argument and returns an error
// that Open returns.
type Option func(*options) error

type options struct {
	replicas        int
	duplicateWindow time.Duration
}

func defaultOptions() options {
	return options{replicas: 1, duplicateWindow: 2 * time.Minute}
}

// maxReplicas is JetStream's limit on stream replicas.
const maxReplicas = 5

// WithReplicas sets how many servers keep a copy of the stream when Open
// creates it (1 embedded, 3 on a cluster). An existing stream keeps its own
// replica count: changing it is an operator's decision. It fails unless
// 1 ≤ n ≤ 5.
func WithReplicas(n int) Option {
	return func(o *options) error {
		if n < 1 || n > maxReplicas {
			return fmt.Errorf("eventstore: replicas must be between 1 and %d, not %d", maxReplicas, n)
		}
		o.replicas = n
		return nil
	}
}

// WithDuplicateWindow sets how long JetStream remembers command ids to drop
// retried commands when Open creates the stream (default two minutes).
// Retries after that are still caught when they conflict, by looking for the
// command id in the alliance's events. It fails unless 1s ≤ d ≤ 24h.
func WithDuplicateWindow(d time.Duration) Option {
	return func(o *options) error {
		if d < time.Second || d > 24*time.Hour {
			return fmt.Errorf("eventstore: duplicate window must be between 1s and 24h, not %s", d)
		}
		o.duplicateWindow = d
		return nil
	}
}
