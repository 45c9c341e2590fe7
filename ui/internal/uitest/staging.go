package uitest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/styles"
)

// StagingEnv is a distribution registry that records the methods of its
// requests, a real client for it, and a staging store in a temp dir, for
// driving the staging pane without the root.
type StagingEnv struct {
	Host  string
	C     *common.Common
	Store *stagestore.Store
	// Status are the status lines and Pages the pages opened, in order.
	Status []string
	Pages  []common.Page

	mu      sync.Mutex
	methods []string
}

// NewStagingEnv starts the registry and the store; pages opens pages (the
// root's registry, or the few a test needs).
func NewStagingEnv(t *testing.T, pages common.Pages) *StagingEnv {
	t.Helper()
	env := &StagingEnv{}
	env.Host = testregistry.Start(t, testregistry.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			env.mu.Lock()
			env.methods = append(env.methods, r.Method+" "+r.URL.Path)
			env.mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}}).Host
	client, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env.Store = st
	opts := &common.Options{SteadyCursor: true}
	WithStore(st)(opts)
	env.C = &common.Common{Ctx: context.Background(), Width: 100, Height: 30, Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: opts, Reg: client, Pages: pages}
	return env
}

// Writes returns the write requests the registry has seen.
func (env *StagingEnv) Writes() []string {
	env.mu.Lock()
	defer env.mu.Unlock()
	var out []string
	for _, m := range env.methods {
		if !strings.HasPrefix(m, "GET ") && !strings.HasPrefix(m, "HEAD ") {
			out = append(out, m)
		}
	}
	return out
}

// Image pushes a random image of platform p as ref and returns its digest.
func (env *StagingEnv) Image(t *testing.T, ref string, p v1.Platform) string {
	t.Helper()
	img, _ := random.Image(128, 1)
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	img, _ = mutate.ConfigFile(img, cf)
	r, _ := name.ParseReference(ref)
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}

// Run executes cmd and feeds what it returns to p, as the program would,
// until nothing is left. Status lines and opened pages are recorded; other
// messages (cursor blinks) are dropped.
func (env *StagingEnv) Run(p common.Page, cmd tea.Cmd) common.Page {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.StatusMsg:
			env.Status = append(env.Status, msg.Text)
		case common.PushPageMsg:
			env.Pages = append(env.Pages, msg.Page)
		case common.PopPageMsg:
		case common.Routed:
			var next tea.Cmd
			p, next = p.Update(msg)
			queue = append(queue, next)
		}
	}
	return p
}

// Key sends the key s to p and runs what it returns.
func (env *StagingEnv) Key(p common.Page, s string) common.Page {
	p, cmd := p.Update(KeyMsg(s))
	return env.Run(p, cmd)
}

// TypeText sends s to p key by key.
func (env *StagingEnv) TypeText(p common.Page, s string) common.Page {
	for _, r := range s {
		p = env.Key(p, string(r))
	}
	return p
}

// LastStatus is the last status line, "" for none.
func (env *StagingEnv) LastStatus() string {
	if len(env.Status) == 0 {
		return ""
	}
	return env.Status[len(env.Status)-1]
}

// GoldenList is a fixed list with an attestation, an annotation and a
// blocking finding.
func GoldenList() *model.StagedList {
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	return &model.StagedList{Name: "localhost:5000/app:v1", Target: "localhost:5000/a-very-long-repository-name/for/layout/app:v1",
		Base: d("b"), Annotations: map[string]string{"org.opencontainers.image.source": "https://example.com"},
		Entries: []model.StagedEntry{
			{Source: "localhost:5000/app:amd64", Repository: "localhost:5000/app", Digest: d("1"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "amd64"}, ConfigPlatform: &model.Platform{OS: "linux", Architecture: "amd64"}},
			{Source: "localhost:5000/app@" + d("2"), Repository: "localhost:5000/app", Digest: d("2"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform:    &model.Platform{OS: "unknown", Architecture: "unknown"},
				Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: d("1")}},
			{Source: "localhost:5000/app:arm", Repository: "localhost:5000/app", Digest: d("3"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, ConfigPlatform: &model.Platform{OS: "linux", Architecture: "arm64"},
				Annotations: map[string]string{"org.opencontainers.image.title": "app"}},
			{Source: "localhost:5000/app:amd64-again", Repository: "localhost:5000/app", Digest: d("4"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "amd64"}},
		}}
}
