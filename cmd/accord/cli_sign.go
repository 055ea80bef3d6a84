package main

import (
	"fmt"
	"os"
	"path/filepath"

	"accord/client"
	"accord/domain"
)

// Signing from the command line: a member who has a key signs every
// member action (vote, proposal submit, amend, amendment accept|reject,
// commitment make|progress|fulfil) without asking. The key is the file
// --key-file names, else ACCORD_KEY_FILE's, else the default one for the
// token's member when it exists; --no-sign sends the action unsigned.

// defaultKeyPath returns where a member's key lives when no file is
// named: <config dir>/accord/<alliance id>/<member id>.key, the config
// directory being os.UserConfigDir's ($XDG_CONFIG_HOME or ~/.config on
// Linux, ~/Library/Application Support on macOS, %AppData% on Windows). It
// returns an error when there is no config directory.
func defaultKeyPath(id client.Identity) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no default place for your key (%v): give --key-file or ACCORD_KEY_FILE", err)
	}
	return filepath.Join(dir, "accord", id.AllianceID, id.ID+".key"), nil
}

// namedKeyFile returns --key-file, else ACCORD_KEY_FILE; "" when neither
// is given.
func (g *globals) namedKeyFile() string { return firstOf(g.keyFile, os.Getenv("ACCORD_KEY_FILE")) }

// me returns whom the token speaks for, asked once per command.
func (c *cli) me() (client.Identity, error) {
	if c.identity != nil {
		return *c.identity, nil
	}
	id, err := c.api.WhoAmI(c.ctx)
	if err != nil {
		return client.Identity{}, err
	}
	c.identity = &id
	return id, nil
}

// isMember reports whether id is a member of an alliance (a convener is
// one too): the parties that sign.
func isMember(id client.Identity) bool {
	return id.Role == domain.RoleMember || id.Role == domain.RoleConvener
}

// memberKeyFile returns the key file of the token's member: the one named,
// or the default one. It returns a Forbidden error for a token that is not
// a member's, and the error of asking the server whom it speaks for.
func (c *cli) memberKeyFile() (string, client.Identity, error) {
	id, err := c.me()
	if err != nil {
		return "", id, err
	}
	if !isMember(id) {
		return "", id, domain.Errorf(domain.Forbidden, "only members hold signing keys, and this token speaks for %s", partyName(id))
	}
	if named := c.g.namedKeyFile(); named != "" {
		return named, id, nil
	}
	path, err := defaultKeyPath(id)
	return path, id, err
}

// partyName names whom a token speaks for, in a message.
func partyName(id client.Identity) string {
	if id.Role == domain.RoleAdmin {
		return "the admin"
	}
	return fmt.Sprintf("%s (%s)", id.Name, id.Role)
}

// member returns the client a member action is sent with: one that signs
// with the member's key when it has one (and records the key's id for
// signedNote), else the unsigned c.api. A named key file must hold a
// member's key; without one, the default file is used only when it
// exists, and any trouble finding it (such as a token the server does not
// know, which the action itself will report) leaves the action unsigned.
func (c *cli) member() (*client.Client, error) {
	named := c.g.namedKeyFile()
	switch {
	case c.g.noSign && c.g.keyFile != "":
		return nil, usagef("give --key-file or --no-sign, not both")
	case c.g.noSign:
		return c.api, nil
	}
	path, id, err := c.memberKeyFile()
	switch {
	case named == "" && (err != nil || !client.KeyFileExists(path)):
		return c.api, nil
	case err != nil:
		return nil, err
	}
	key, err := client.ReadKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (--no-sign sends the action unsigned)", err)
	}
	api, err := client.New(c.server, c.token, append(c.opts, client.WithSigner(client.Signer{Key: key, MemberID: id.ID}))...)
	if err != nil {
		return nil, err
	}
	c.keyID = api.SignerKeyID()
	return api, nil
}

// signedNote returns what a one-line result adds when the action was
// signed: " — signed with key <key id>"; "" when it was not.
func (c *cli) signedNote() string {
	if c.keyID == "" {
		return ""
	}
	return " — signed with key " + c.keyID
}

// keyHint adds to a signed action the server refused as Invalid the usual
// reason, when it is that: the key it was signed with is not the member's
// key in force (not registered yet, or replaced since). Any other error,
// and one it cannot tell about, is returned as it is.
func (c *cli) keyHint(err error) error {
	if err == nil || c.keyID == "" || c.identity == nil || domain.KindOf(err) != domain.Invalid {
		return err
	}
	a, aerr := c.api.Alliance(c.ctx, c.identity.AllianceID, client.AsOf{})
	if aerr != nil {
		return err
	}
	m, _ := a.Member(c.identity.ID)
	switch {
	case m.Key == nil:
		return fmt.Errorf("%w\n(your key %s is not registered: run `accord key register`, or send it unsigned with --no-sign)", err, c.keyID)
	case m.Key.KeyID != c.keyID:
		return fmt.Errorf("%w\n(you signed with key %s, but your key in force is %s: `accord key register` puts yours in force)", err, c.keyID, m.Key.KeyID)
	}
	return err
}
