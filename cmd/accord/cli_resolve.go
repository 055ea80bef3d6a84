package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"accord/domain"
)

// Short ids: wherever a command takes an id, a prefix of it will do when
// exactly one id of that kind in the alliance starts with it. An argument
// that cannot be the start of an id (not hex and dashes, or a whole uuid)
// goes to the server as it is, which says what is wrong with it.

// candidate is an id a short one may stand for, with what people call it.
type candidate struct{ id, name string }

// isPrefix reports whether s can be the start of a uuid but is not one.
func isPrefix(s string) bool {
	if s == "" || len(s) >= 36 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F' || r == '-') {
			return false
		}
	}
	return true
}

// pick returns the one candidate whose id starts with short. It returns a
// NotFound error when none does, and a usage error listing them when
// several do.
func pick(kind, short string, all []candidate) (string, error) {
	prefix := strings.ToLower(short)
	var found []candidate
	for _, c := range all {
		if strings.HasPrefix(c.id, prefix) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return "", domain.Errorf(domain.NotFound, "no %s has an id starting with %q", kind, short)
	case 1:
		return found[0].id, nil
	}
	sort.Slice(found, func(i, j int) bool { return found[i].id < found[j].id })
	lines := make([]string, len(found))
	for i, c := range found {
		lines[i] = "  " + c.id + "  " + c.name
	}
	return "", usagef("%q is the start of %d %s ids; give more of it:\n%s", short, len(found), kind, strings.Join(lines, "\n"))
}

// allianceID returns --alliance or ACCORD_ALLIANCE, a short id resolved
// against the alliances the token can see, or a usage error.
func (c *cli) allianceID() (string, error) {
	aid := firstOf(c.g.alliance, os.Getenv("ACCORD_ALLIANCE"))
	if aid == "" {
		return "", usagef("which alliance? give --alliance ID or set ACCORD_ALLIANCE (see `accord alliance list`)")
	}
	if !isPrefix(aid) {
		return aid, nil
	}
	list, err := c.api.Alliances(c.ctx)
	if err != nil {
		return "", err
	}
	all := make([]candidate, len(list))
	for i, a := range list {
		all[i] = candidate{a.ID, a.Name}
	}
	full, err := pick("alliance", aid, all)
	if err == nil {
		c.g.alliance = full
	}
	return full, err
}

// resolve returns the id of the alliance's thing of kind that arg is, or a
// short id's error (see pick).
func (c *cli) resolve(kind, arg string) (string, error) {
	if !isPrefix(arg) {
		return arg, nil
	}
	a, err := c.alliance()
	if err != nil {
		return "", err
	}
	return pick(kind, arg, candidates(a, kind))
}

// resolveAll resolves each of args (see resolve).
func (c *cli) resolveAll(kind string, args []string) ([]string, error) {
	out := make([]string, len(args))
	for i, arg := range args {
		id, err := c.resolve(kind, arg)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// The kinds of ids a short one is resolved against.
const (
	idProposal   = "proposal"
	idAmendment  = "amendment"
	idMember     = "member"
	idParty      = "member or observer"
	idCommitment = "commitment"
	idWorkgroup  = "workgroup"
)

// candidates returns the ids of kind in alliance a.
func candidates(a domain.Alliance, kind string) []candidate {
	var out []candidate
	switch kind {
	case idProposal:
		for _, p := range a.Proposals {
			out = append(out, candidate{p.ID, p.Title})
		}
	case idAmendment:
		for _, p := range a.Proposals {
			for _, am := range p.Amendments {
				out = append(out, candidate{am.ID, fmt.Sprintf("to '%s': %s", p.Title, clip(am.Rationale, 40))})
			}
		}
	case idMember, idParty:
		for _, m := range a.Members {
			out = append(out, candidate{m.ID, m.Name})
		}
		if kind == idParty {
			for _, o := range a.Observers {
				out = append(out, candidate{o.ID, o.Name + " (observer)"})
			}
		}
	case idCommitment:
		for _, cm := range a.Commitments {
			out = append(out, candidate{cm.ID, cm.Description})
		}
	case idWorkgroup:
		for _, w := range a.Workgroups {
			out = append(out, candidate{w.ID, w.Name})
		}
	}
	return out
}

// allianceAnd returns the alliance's id and the id of its thing of kind
// that arg is (see resolve).
func (c *cli) allianceAnd(kind, arg string) (aid, id string, err error) {
	if aid, err = c.allianceID(); err != nil {
		return "", "", err
	}
	id, err = c.resolve(kind, arg)
	return aid, id, err
}
