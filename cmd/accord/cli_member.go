package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"accord/client"
	"accord/domain"
)

func memberAddCommand() command {
	return command{
		path: "member add", summary: "admit a member (admin or convener); its token is shown once",
		about: "The answer carries the member's token, once: --save-token writes it to a new file (mode 0600).",
		example: `accord member add --name "Intermountain Health" --sector "health system" --role convener --save-token conv.token
accord member add --name "Cardinal Distribution" --sector distributor --save-token m1.token -q`,
		setup: func(fs *flag.FlagSet) action {
			name := fs.String("name", "", "the member organisation's `NAME` (required)")
			sector := fs.String("sector", "", "its `SECTOR`, such as payer or patient group (required)")
			role := fs.String("role", "member", "`ROLE`: member, or convener (who admits others, opens and closes votes)")
			save, quiet := fs.String("save-token", "", "write the member's token to this new `FILE` (mode 0600)"), quietFlag(fs)
			return func(c *cli, _ []string) error {
				if *name == "" || *sector == "" {
					return usagef("give --name and --sector")
				}
				body := domain.AdmitMember{Name: *name, Sector: *sector, Role: domain.Role(*role)}
				return addParty(c, *save, *quiet, func(aid string) (client.Credential, error) {
					return c.api.AdmitMember(c.ctx, aid, body)
				})
			}
		},
	}
}

func observerAddCommand() command {
	return command{
		path: "observer add", summary: "add a read-only observer such as a regulator (admin or convener)",
		about:   "The answer carries the observer's token, once: --save-token writes it to a new file (mode 0600).",
		example: `accord observer add --name "FDA Office of Drug Security" --save-token fda.token`,
		setup: func(fs *flag.FlagSet) action {
			name := fs.String("name", "", "the observer's `NAME` (required)")
			save, quiet := fs.String("save-token", "", "write the observer's token to this new `FILE` (mode 0600)"), quietFlag(fs)
			return func(c *cli, _ []string) error {
				if *name == "" {
					return usagef("give --name")
				}
				return addParty(c, *save, *quiet, func(aid string) (client.Credential, error) {
					return c.api.AddObserver(c.ctx, aid, domain.AddObserver{Name: *name})
				})
			}
		},
	}
}

// addParty admits a member or adds an observer with add, and shows or
// saves its token. The token file is checked before the party is added,
// since a token that is lost cannot be shown again.
func addParty(c *cli, save string, quiet bool, add func(aid string) (client.Credential, error)) error {
	if err := checkTokenFile(c, save, quiet); err != nil {
		return err
	}
	aid, err := c.allianceID()
	if err != nil {
		return err
	}
	cred, err := add(aid)
	if done, err := c.answered(err); done {
		return err
	}
	return showCredential(c, cred, save, quiet)
}

// checkTokenFile checks, before a token is made, that it can be kept: -q
// needs --save-token, and --save-token a file that does not exist yet.
func checkTokenFile(c *cli, save string, quiet bool) error {
	if quiet && save == "" && !c.g.json {
		return usagef("with -q, give --save-token FILE: the token is shown only once")
	}
	if save != "" {
		if _, err := os.Stat(save); !errors.Is(err, fs.ErrNotExist) {
			return usagef("%s already exists: --save-token writes a new file", save)
		}
	}
	return nil
}

func showCredential(c *cli, cred client.Credential, save string, quiet bool) error {
	if save != "" {
		if err := os.WriteFile(save, []byte(cred.Token+"\n"), 0o600); err != nil {
			return fmt.Errorf("%s was added as %s, but its token could not be saved: %w", cred.Name, cred.ID, err)
		}
	}
	if quiet {
		c.out.linef("%s", cred.ID)
		return nil
	}
	verb := "Admitted"
	if cred.Role == string(domain.RoleObserver) {
		verb = "Added"
	}
	c.out.linef("%s %s as %s: %s", verb, cred.Name, cred.Role, c.out.paint(bold, cred.ID))
	if save != "" {
		c.out.linef("Token saved to %s", save)
	} else {
		c.out.linef("Token (shown once; keep it safe): %s", cred.Token)
	}
	return nil
}

func memberWithdrawCommand() command {
	return command{
		path: "member withdraw", params: []string{"MEMBER"},
		summary: "withdraw a member (that member, or a convener)",
		about:   "A member who withdraws while a vote is open leaves its eligible set, and their stance is dropped.",
		example: `accord member withdraw 0190c0de-… --reason "Merged into another member"`,
		setup: func(fs *flag.FlagSet) action {
			reason := fs.String("reason", "", "the `REASON`, for the record")
			return func(c *cli, args []string) error {
				aid, mid, err := c.allianceAnd(idMember, args[0])
				if err != nil {
					return err
				}
				m, err := c.api.WithdrawMember(c.ctx, aid, mid, *reason)
				if done, err := c.answered(err); done {
					return err
				}
				c.out.linef("%s withdrew from the alliance%s", m.Name, because(*reason))
				return nil
			}
		},
	}
}

// because returns ` — "reason"`, or nothing without a reason.
func because(reason string) string {
	if reason == "" {
		return ""
	}
	return ` — "` + reason + `"`
}
