package main

import (
	"flag"
	"fmt"
	"os"

	"accord/client"
	"accord/domain"
)

func tokenCommands() []command {
	return []command{
		{
			path: "whoami", summary: "show who your token speaks for: party, role and alliance, or the admin",
			about:   "Writes nothing to the ledger.",
			example: "accord whoami\naccord --token-file m1.token whoami --json",
			setup:   func(*flag.FlagSet) action { return whoami },
		},
		{
			path: "token revoke", params: []string{"PARTY"},
			summary: "revoke a member's or observer's token (admin, a convener, or the party itself)",
			about: "The token answers 401 from then on. Tokens are credentials, not governance facts: nothing is\n" +
				"written to the ledger, and what the party did stays in it.",
			example: "accord token revoke 0190c0de-…\naccord token revoke 0190c0de   # a prefix that only one party's id starts with",
			setup: func(*flag.FlagSet) action {
				return func(c *cli, args []string) error {
					aid, party, err := c.allianceAnd(idParty, args[0])
					if err != nil {
						return err
					}
					st, err := c.api.RevokeToken(c.ctx, aid, party)
					if done, err := c.answered(err); done {
						return err
					}
					c.out.linef("Revoked the token of %s (%s, generation %d)", st.Name, st.Role, st.Generation)
					return nil
				}
			},
		},
		{
			path: "token issue", params: []string{"PARTY"},
			summary: "issue a party a new token, revoking the one it had; shown once",
			about:   "The answer carries the new token, once: --save-token writes it to a new file (mode 0600).",
			example: "accord token issue $MID --save-token m1-new.token",
			setup: func(fs *flag.FlagSet) action {
				save, quiet := fs.String("save-token", "", "write the new token to this new `FILE` (mode 0600)"), quietFlag(fs)
				return func(c *cli, args []string) error { return tokenIssue(c, args[0], *save, *quiet) }
			},
		},
	}
}

func tokenIssue(c *cli, arg, save string, quiet bool) error {
	if err := checkTokenFile(c, save, quiet); err != nil {
		return err
	}
	aid, party, err := c.allianceAnd(idParty, arg)
	if err != nil {
		return err
	}
	t, err := c.api.IssueToken(c.ctx, aid, party)
	if done, err := c.answered(err); done {
		return err
	}
	if save != "" {
		if err := os.WriteFile(save, []byte(t.Token+"\n"), 0o600); err != nil {
			return fmt.Errorf("%s has a new token, but it could not be saved (issue another): %w", t.Name, err)
		}
	}
	switch {
	case quiet:
		c.out.linef("%s", t.ID)
	case save != "":
		c.out.linef("Issued %s a new token (generation %d), saved to %s; the old one is revoked", t.Name, t.Generation, save)
	default:
		c.out.linef("Issued %s a new token (generation %d); the old one is revoked", t.Name, t.Generation)
		c.out.linef("Token (shown once; keep it safe): %s", t.Token)
	}
	return nil
}

func whoami(c *cli, _ []string) error {
	id, err := c.api.WhoAmI(c.ctx)
	if done, err := c.answered(err); done {
		return err
	}
	if id.Role == domain.RoleAdmin {
		list, err := c.api.Alliances(c.ctx)
		if err != nil {
			return err
		}
		c.out.linef("The admin of this accord server (%s): forms alliances and admits their first members", plural(len(list), "alliance"))
		return nil
	}
	c.out.linef("%s, %s of %s", c.out.paint(bold, id.Name), id.Role, allianceName(c, id))
	c.out.fields("id", id.ID, "alliance", id.AllianceID)
	return nil
}

// allianceName returns the name of the party's alliance in quotes, or its
// id when it cannot be read.
func allianceName(c *cli, id client.Identity) string {
	if a, err := c.api.Alliance(c.ctx, id.AllianceID, client.AsOf{}); err == nil {
		return "'" + a.Name + "'"
	}
	return "alliance " + id.AllianceID
}
