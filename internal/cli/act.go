package cli

// What the commands of the screen's actions share (member, violation, application, appeal,
// and the reads list and show): the service over the store, the operator in force, the words
// for what was done.

import (
	"strconv"
	"strings"
	"time"

	"qunshen/internal/i18n"
	"qunshen/model"
	"qunshen/review"
	"qunshen/storage"
)

// actor opens the store and the key of the operator in force, and the service that acts
// for them with the policy in force: it checks the operator's role before anything else,
// as the screen's.
func (e *env) actor() (*storage.Store, *review.Service, error) {
	pol, err := e.loadPolicy()
	if err != nil {
		return nil, nil, err
	}
	st, s, err := e.signer()
	if err != nil {
		return nil, nil, err
	}
	return st, &review.Service{Store: st, Signer: s, Rules: pol, Clock: e.now}, nil
}

// events names the events an action wrote, by their short ids.
func events(ids []model.Hash) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.Short()
	}
	return strings.Join(s, ", ")
}

// parseUntil reads the length of a mute: days (3d), or hours and minutes as Go writes them
// (24h, 90m, 1h30m). It gives the end from now.
func parseUntil(s string, now time.Time) (time.Time, error) {
	bad := i18n.E("cli.member.until-bad", s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 || n > maxMuteDays {
			return time.Time{}, bad
		}
		return now.AddDate(0, 0, n), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > maxMuteDays*24*time.Hour {
		return time.Time{}, bad
	}
	return now.Add(d), nil
}

// maxMuteDays bounds a mute: ten years.
const maxMuteDays = 3650
