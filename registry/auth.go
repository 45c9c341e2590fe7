package registry

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	"github.com/docker/cli/cli/config/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// dockerHubKey is the key docker uses for Docker Hub credentials.
const dockerHubKey = "https://index.docker.io/v1/"

// credentialKey is the docker config key for a registry host.
func credentialKey(host string) (string, error) {
	reg, err := name.NewRegistry(host)
	if err != nil {
		return "", fmt.Errorf("invalid registry %q: %w", host, err)
	}
	if reg.RegistryStr() == name.DefaultRegistry {
		return dockerHubKey, nil
	}
	return reg.RegistryStr(), nil
}

// loadDockerConfig loads the docker config as docker and
// go-containerregistry do: $DOCKER_CONFIG, else ~/.docker.
func loadDockerConfig() (*configfile.ConfigFile, error) {
	dir := os.Getenv(config.EnvOverrideConfigDir)
	if dir == "" {
		dir = config.Dir()
	}
	cf, err := config.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load docker config from %s: %w", dir, err)
	}
	if cf.Filename == "" {
		cf.Filename = filepath.Join(dir, config.ConfigFileName)
	}
	return cf, nil
}

// CredentialStore says where SaveCredentials would put the credentials for
// host: the docker credential helper's name (e.g. "docker-credential-pass"),
// or the docker config file when no helper is configured, where docker
// keeps them base64-encoded, not encrypted. The UI shows it before asking.
func CredentialStore(host string) (string, error) {
	key, err := credentialKey(host)
	if err != nil {
		return "", err
	}
	cf, err := loadDockerConfig()
	if err != nil {
		return "", err
	}
	if h := helperFor(cf, key); h != "" {
		return "docker-credential-" + h, nil
	}
	return cf.Filename + " (base64-encoded, not encrypted; configure a docker credential helper to encrypt)", nil
}

func helperFor(cf *configfile.ConfigFile, key string) string {
	if h := cf.CredentialHelpers[key]; h != "" {
		return h
	}
	return cf.CredentialsStore
}

// SaveCredentials stores user and secret for host the way docker login
// does: through the credential helper or store the docker config names, or
// in the docker config file when none is configured. manifold never writes
// credentials into files of its own. Errors never contain the secret.
func SaveCredentials(host, user, secret string) error {
	if user == "" || secret == "" {
		return errors.New("save credentials: user name and password or token are both needed")
	}
	key, err := credentialKey(host)
	if err != nil {
		return err
	}
	cf, err := loadDockerConfig()
	if err != nil {
		return err
	}
	ac := types.AuthConfig{ServerAddress: key, Username: user, Password: secret}
	if helperFor(cf, key) != "" {
		if err := cf.GetCredentialsStore(key).Store(ac); err != nil {
			return fmt.Errorf("save credentials for %s with docker-credential-%s: %w", host, helperFor(cf, key), redactErr(err, secret))
		}
		return nil
	}
	// The plain file store: written directly, because docker's file store
	// prints a warning to stderr, which would tear the TUI's screen.
	cf.GetAuthConfigs()[key] = ac
	if err := cf.Save(); err != nil {
		return fmt.Errorf("save credentials for %s in %s: %w", host, cf.Filename, redactErr(err, secret))
	}
	return nil
}

// redactErr drops an error's text when it contains the secret.
func redactErr(err error, secret string) error {
	if secret != "" && strings.Contains(err.Error(), secret) {
		return errors.New("the credential store failed (its message held the secret and is not shown)")
	}
	return err
}

// SessionKeychain holds credentials typed in during a session, in memory
// only, and resolves them for their host before falling back to another
// keychain (the docker config). The TUI's login prompt puts what the user
// typed here and retries; nothing is written anywhere unless the user then
// asks for SaveCredentials.
type SessionKeychain struct {
	next authn.Keychain

	mu    sync.RWMutex
	creds map[string]authn.AuthConfig
}

// NewSessionKeychain returns a SessionKeychain over next
// (authn.DefaultKeychain when nil).
func NewSessionKeychain(next authn.Keychain) *SessionKeychain {
	if next == nil {
		next = authn.DefaultKeychain
	}
	return &SessionKeychain{next: next, creds: map[string]authn.AuthConfig{}}
}

func sessionKey(host string) string {
	if reg, err := name.NewRegistry(host); err == nil {
		return reg.RegistryStr()
	}
	return host
}

// Set remembers user and secret for host for the rest of the session.
func (k *SessionKeychain) Set(host, user, secret string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.creds[sessionKey(host)] = authn.AuthConfig{Username: user, Password: secret}
}

// Forget drops the session credentials of host (after they were refused).
func (k *SessionKeychain) Forget(host string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.creds, sessionKey(host))
}

// Has reports whether session credentials are held for host.
func (k *SessionKeychain) Has(host string) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, ok := k.creds[sessionKey(host)]
	return ok
}

// Resolve implements authn.Keychain.
func (k *SessionKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	k.mu.RLock()
	ac, ok := k.creds[r.RegistryStr()]
	k.mu.RUnlock()
	if ok {
		return authn.FromConfig(ac), nil
	}
	return k.next.Resolve(r)
}

// DockerConfigFile is the docker config file manifold reads credentials
// from: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
func DockerConfigFile() string {
	dir := os.Getenv(config.EnvOverrideConfigDir)
	if dir == "" {
		dir = config.Dir()
	}
	return filepath.Join(dir, config.ConfigFileName)
}
