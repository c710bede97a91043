package customer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/loginattempt"
)

// Limits on account actions, counted in the database (login_attempts) so that every
// instance enforces them together, and checked before any password is hashed or email
// sent, so that concurrent requests cannot get past them.
const (
	ThrottleWindow  = 15 * time.Minute // sign-in limits' window
	MaxFailsAccount = 10               // sign-in attempts per account per ThrottleWindow
	MaxFailsIP      = 50               // sign-in attempts per client address per ThrottleWindow

	FloodWindow     = time.Hour // customerCreate and customerRecover limits' window
	MaxCreatesIP    = 20        // customerCreate calls per client address per FloodWindow
	MaxRecoverIP    = 10        // customerRecover calls per client address per FloodWindow
	MaxRecoverEmail = 3         // customerRecover calls (emails sent) per email per FloodWindow
)

// ErrThrottled means a limit on account actions was reached: too many sign-in attempts,
// accounts created or recovery emails for the account, the email or the client address.
// The errors the service returns for it match errors.Is(err, ErrThrottled) and say which
// limit was reached.
var ErrThrottled = errors.New("too many attempts: try again later")

// throttled is a refusal by one kind of limit.
type throttled string

func (e throttled) Error() string        { return string(e) }
func (e throttled) Is(target error) bool { return target == ErrThrottled }

const (
	errSignInThrottled  = throttled("too many failed sign-in attempts: try again later")
	errCreateThrottled  = throttled("too many accounts created from this address: try again later")
	errRecoverThrottled = throttled("too many password recovery requests: try again later")
)

// limit allows at most max attempts under key within window.
type limit struct {
	key    string
	max    int
	window time.Duration
}

// advisoryLockClass namespaces the PostgreSQL advisory locks taken on throttle keys.
const advisoryLockClass = 0x5f7a

// admit records one attempt under every limit's key and returns the IDs of the records,
// or returns refusal, recording nothing, when a key already holds its maximum of attempts
// within its window. Checking and recording are one transaction that first locks the keys
// (on PostgreSQL transaction-scoped advisory locks taken in key order, on SQLite the
// immediate transaction's write lock), so requests racing on any number of instances are
// admitted one after the other and at most max of them per window. Limits with an empty
// key (no client address known) are skipped.
func (s *Service) admit(ctx context.Context, refusal error, limits ...limit) ([]int, error) {
	var ls []limit
	for _, l := range limits {
		if l.key != "" {
			ls = append(ls, l)
		}
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].key < ls[j].key })
	var ids []int
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		if s.db.Dialect == dialect.Postgres {
			for _, l := range ls {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, advisoryLockClass, l.key); err != nil {
					return fmt.Errorf("lock %s: %w", l.key, err)
				}
			}
		}
		now := s.now()
		for _, l := range ls {
			since := now.Add(-l.window)
			// Attempts older than the window no longer count: drop them for this key.
			if _, err := tx.LoginAttempt.Delete().Where(loginattempt.Key(l.key), loginattempt.CreatedAtLTE(since)).Exec(ctx); err != nil {
				return fmt.Errorf("prune attempts: %w", err)
			}
			n, err := tx.LoginAttempt.Query().Where(loginattempt.Key(l.key), loginattempt.CreatedAtGT(since)).Count(ctx)
			if err != nil {
				return fmt.Errorf("count attempts: %w", err)
			}
			if n >= l.max {
				return refusal
			}
		}
		for _, l := range ls {
			a, err := tx.LoginAttempt.Create().SetKey(l.key).SetCreatedAt(now).Save(ctx)
			if err != nil {
				return fmt.Errorf("record attempt: %w", err)
			}
			ids = append(ids, a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 && ids[0]%pruneEvery == 0 {
		s.prune(ctx)
	}
	return ids, nil
}

// pruneEvery is how often (in recorded attempts) attempts of every key older than the
// longest window are dropped; admit drops those of the keys it checks each time, prune
// those of keys not seen again (client addresses that never come back).
const pruneEvery = 64

// prune drops attempts older than every window. A failure is only logged: the attempts
// are dropped by a later prune.
func (s *Service) prune(ctx context.Context) {
	_, err := s.db.LoginAttempt.Delete().Where(loginattempt.CreatedAtLT(s.now().Add(-max(ThrottleWindow, FloodWindow)))).Exec(ctx)
	if err != nil && s.cfg.Log != nil {
		s.cfg.Log.WarnContext(ctx, "prune throttle records", "error", err.Error())
	}
}

// addressKey is the throttle key of a client address for one kind of action, or "" when
// the address is not known.
func addressKey(kind, clientIP string) string {
	if clientIP == "" {
		return ""
	}
	return kind + clientIP
}

// forget takes back attempts recorded by admit that should not count (a successful
// sign-in).
func (s *Service) forget(ctx context.Context, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := s.db.LoginAttempt.Delete().Where(loginattempt.IDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("forget attempts: %w", err)
	}
	return nil
}
