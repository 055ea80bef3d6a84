package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"accord/client"
	"accord/domain"
)

func keyCommands() []command {
	return []command{
		{
			path: "key generate", summary: "make a new signing key for your member, in a file only you can read",
			about: "The private key never leaves the file (mode 0600). Without --key-file it goes to\n" +
				"<config dir>/accord/<alliance id>/<member id>.key, where every member command finds it.\n" +
				"To rotate a key: generate --force, then register the new key at once.",
			example: "accord key generate\naccord key generate --key-file ~/keys/cardinal.key\naccord key generate --force",
			setup: func(fs *flag.FlagSet) action {
				force := fs.Bool("force", false, "replace the key the file holds")
				return func(c *cli, _ []string) error { return keyGenerate(c, *force) }
			},
		},
		{
			path: "key register", summary: "register your key's public half with the ledger, so your signatures count",
			about: "Writes MemberKeyRegistered, with the key's proof of possession. It replaces the key you had:\n" +
				"what you signed before stays verifiable with the key in force then.",
			example: "accord key register\naccord key register --key-file ~/keys/cardinal.key",
			setup:   func(*flag.FlagSet) action { return keyRegister },
		},
		{
			path: "key show", summary: "show your key's id and public key, and whether the ledger has it in force",
			example: "accord key show\naccord key show --json",
			setup:   func(*flag.FlagSet) action { return keyShow },
		},
	}
}

// keyGenerate writes a new key to the member's key file, which must not
// exist unless force is set.
func keyGenerate(c *cli, force bool) error {
	path := c.g.namedKeyFile()
	if path == "" {
		var err error
		if path, _, err = c.memberKeyFile(); err != nil {
			return err
		}
	}
	key, err := client.GenerateKey()
	if err != nil {
		return err
	}
	err = client.WriteKeyFile(path, key, force)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already holds a key: give --force to replace it, then register the new one at once (`accord key register`)", path)
	}
	if err != nil {
		return err
	}
	if c.g.json {
		return c.out.value(keyFacts{KeyFile: path, KeyID: client.KeyID(key), PublicKey: client.PublicKey(key)})
	}
	c.out.linef("Generated key %s in %s (mode 0600); register it with: accord key register", c.out.paint(bold, client.KeyID(key)), path)
	return nil
}

// keyRegister registers the member's key from its key file.
func keyRegister(c *cli, _ []string) error {
	path, id, err := c.memberKeyFile()
	if err != nil {
		return err
	}
	key, err := readMemberKey(path)
	if err != nil {
		return err
	}
	reg, err := c.api.RegisterKey(c.ctx, id.AllianceID, id.ID, key)
	if done, err := c.answered(err); done {
		return err
	}
	c.out.linef("Registered key %s for %s (seq %d): your member actions are signed with it from now on",
		c.out.paint(bold, reg.KeyID), id.Name, reg.Seq)
	return nil
}

// readMemberKey reads a key file, saying how to make one when there is
// none.
func readMemberKey(path string) (ed25519.PrivateKey, error) {
	key, err := client.ReadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("there is no key in %s: make one with `accord key generate`", path)
	}
	return key, err
}

// keyFacts is what `accord key show --json` prints: the key file, its key,
// and the member's key in force (Registered, null when none).
type keyFacts struct {
	KeyFile    string            `json:"key_file"`
	KeyID      string            `json:"key_id"`
	PublicKey  string            `json:"public_key"`
	MemberID   string            `json:"member_id,omitempty"`
	InForce    *bool             `json:"in_force,omitempty"`
	Registered *domain.MemberKey `json:"registered,omitempty"`
}

// keyShow shows the member's key and whether the ledger has it in force.
func keyShow(c *cli, _ []string) error {
	path, id, err := c.memberKeyFile()
	if err != nil {
		return err
	}
	key, err := readMemberKey(path)
	if err != nil {
		return err
	}
	a, err := c.api.Alliance(c.ctx, id.AllianceID, client.AsOf{})
	if err != nil {
		return err
	}
	m, _ := a.Member(id.ID)
	inForce := m.Key != nil && m.Key.PublicKey == client.PublicKey(key)
	facts := keyFacts{KeyFile: path, KeyID: client.KeyID(key), PublicKey: client.PublicKey(key), MemberID: id.ID, InForce: &inForce, Registered: m.Key}
	if c.g.json {
		return c.out.value(facts)
	}
	c.out.linef("Key %s in %s", c.out.paint(bold, facts.KeyID), path)
	c.out.fields("public key", facts.PublicKey, "member", fmt.Sprintf("%s (%s)", id.Name, id.ID), "in force", inForceText(m.Key, inForce))
	return nil
}

// inForceText says whether the key is the member's key in force, and if
// not, which is.
func inForceText(registered *domain.MemberKey, inForce bool) string {
	switch {
	case inForce:
		return fmt.Sprintf("yes, registered at seq %d", registered.Seq)
	case registered == nil:
		return "no: no key is registered for you yet (accord key register)"
	}
	return fmt.Sprintf("no: your key in force is %s (registered at seq %d); register this one with accord key register", registered.KeyID, registered.Seq)
}
