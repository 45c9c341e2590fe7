package common

import (
	"context"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Registry is what the UI needs from a registry. *registry.Client satisfies
// it; tests use a fake. Listings call yield once per page, in order.
type Registry interface {
	Repositories(ctx context.Context, registry string, yield func(registry.Page) error) error
	Tags(ctx context.Context, repository string, yield func(registry.Page) error) error
	Tree(ctx context.Context, ref string, opts registry.TreeOptions) (*model.Tree, error)
	Get(ctx context.Context, ref string) (*registry.Manifest, error)
	// Head asks what a reference points at (digest, media type, size)
	// without fetching it: the tag list's digest column.
	Head(ctx context.Context, ref string) (*registry.Manifest, error)
}

var _ Registry = (*registry.Client)(nil)

// Options configure the UI.
type Options struct {
	// Registry is the client every fetch goes through.
	Registry Registry
	// Start is what to open: a registry host, a repository or a reference.
	// Empty opens a prompt for a registry.
	Start string
	// Theme names a built-in theme or a theme file; empty picks dark or
	// light from the terminal's background.
	Theme string
	// NoColor turns colour off (NO_COLOR).
	NoColor bool
	// Login returns a registry client that authenticates to host with the
	// given credentials (the login prompt after a 401), checked against
	// repository (the one being opened; "" for the registry itself). Nil
	// disables the prompt.
	Login func(host, repository, user, secret string) (Registry, error)
	// SaveCredentials stores credentials in the docker config after a
	// successful login, when the user agrees. Nil hides the offer.
	SaveCredentials func(host, user, secret string) error
	// CredentialStore names where SaveCredentials would write (a helper,
	// or the docker config file), shown when asking. Optional.
	CredentialStore func(host string) (string, error)
	// OnOpen is called (in a command, never in Update) with each registry
	// the user browses, so it can be remembered as the last used one.
	OnOpen func(registry string)
	// HostPlatform is "this machine" in the resolve matrix; the containerd
	// default spec when zero.
	HostPlatform model.Platform
	// ReadOnly: the registry client refuses every write; the header says
	// "readonly" and the write keys say why they do nothing.
	ReadOnly bool
	// ResolveHosts are the resolve matrix's rows (the config file's
	// resolve-hosts); nil: the built-in rows.
	ResolveHosts []string
	// SaveResolveHosts, when set, keeps the rows after a host is added or
	// removed (it writes resolve-hosts in the config file). Called in a
	// command, never in Update.
	SaveResolveHosts func(hosts []string) error
	// NoMouse turns mouse reporting off (mouse: false in the config file),
	// so the terminal's own selection works on every screen.
	NoMouse bool
	// StageStore opens the staging store; nil: the default one
	// (stagestore.Open). Tests give a store in a temp dir.
	StageStore func() (StageStore, error)
	// StageStoreIfAny opens the staging store only when it exists (the
	// offer at start); nil: the default one, when its directory exists.
	StageStoreIfAny func() (StageStore, bool)
	// SteadyCursor: text fields do not blink their cursor (tests, so no
	// command sleeps).
	SteadyCursor bool
}
