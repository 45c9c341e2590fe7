package verbs

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/registry"
)

func newEnv(t *testing.T, only ...string) (*registry.Client, string, fixtures.Set) {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	host := testregistry.Start(t, testregistry.Options{}).Host
	set, err := fixtures.Push(context.Background(), host, fixtures.Only(only...))
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c, host, set
}

func TestTagNowAndCompare(t *testing.T) {
	c, host, set := newEnv(t, fixtures.OCIAttest, fixtures.SingleOCI)
	ctx := context.Background()
	f := set[fixtures.OCIAttest]

	now, err := TagNow(ctx, c, f.Ref(host), registry.TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if now.Digest != f.Digest || now.Tree == nil || now.Tree.Digest != f.Digest || !now.Exists() {
		t.Fatalf("tag now: %+v, want %s", now, f.Digest)
	}
	missing, err := TagNow(ctx, c, host+"/fixtures/oci-attest:nope", registry.TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if missing.Exists() || missing.Tree != nil {
		t.Fatalf("a missing tag: %+v", missing)
	}

	// A list started from the tag, one entry removed: the diff says so and
	// the tag has not moved.
	s, err := StartFromTag(ctx, c, "l", f.Ref(host), true)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Kept || s.List.Base != f.Digest || len(s.List.Entries) != len(f.Entries) {
		t.Fatalf("start: kept %v base %s, %d entries, want %d from %s", s.Kept, s.List.Base, len(s.List.Entries), len(f.Entries), f.Digest)
	}
	s.List.Remove(0)
	cmp, err := Compare(ctx, c, s.List)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Moved || cmp.Now.Digest != f.Digest || cmp.Diff.Empty() || len(cmp.Diff.Changes) == 0 {
		t.Fatalf("compare: moved %v now %s diff %+v", cmp.Moved, cmp.Now.Digest, cmp.Diff)
	}
	// The same list against a tag that moved.
	s.List.Base = set[fixtures.SingleOCI].Digest
	if cmp, _ = Compare(ctx, c, s.List); !cmp.Moved {
		t.Fatal("a list whose base differs from the tag is not reported moved")
	}

	// A single image and a new tag start empty, the base remembered.
	single := set[fixtures.SingleOCI]
	s, err = StartFromTag(ctx, c, "s", single.Ref(host), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kept || len(s.List.Entries) != 0 || s.List.Base != single.Digest {
		t.Fatalf("single image: %+v %+v", s, s.List)
	}
	s, err = StartFromTag(ctx, c, "n", host+"/brand/new:v1", false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kept || s.List.Base != "" || s.List.Name != "n" || s.List.Target != host+"/brand/new:v1" {
		t.Fatalf("new tag: %+v", s.List)
	}
}

func TestPushReportsTheDiffWhenTheTagMoved(t *testing.T) {
	c, host, set := newEnv(t, fixtures.OCIAttest, fixtures.SingleOCI)
	ctx := context.Background()
	f := set[fixtures.OCIAttest]
	target := host + "/app:v1"
	s, err := StartFromTag(ctx, c, "l", f.Ref(host), true)
	if err != nil {
		t.Fatal(err)
	}
	l := s.List
	l.Target = target
	l.Base = ""
	// Someone writes the target first.
	if _, err := c.Push(ctx, l.Clone(), registry.PushOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	l.Remove(0)
	_, err = Push(ctx, c, l, registry.PushOptions{})
	var moved *TagMovedError
	if !errors.As(err, &moved) {
		t.Fatalf("push over a moved tag: %v", err)
	}
	var rmoved *registry.TagMovedError
	if !errors.As(err, &rmoved) || rmoved.Current == "" {
		t.Fatalf("the registry's error is not kept: %v", err)
	}
	if moved.Comparison == nil || !moved.Comparison.Moved || moved.Comparison.Diff.Empty() {
		t.Fatalf("moved: %+v", moved.Comparison)
	}

	rv, err := ReviewPush(ctx, c, l, []string{"latest"})
	if err != nil {
		t.Fatal(err)
	}
	if rv.Plan == nil || rv.Plan.Digest == "" || !rv.Moved || rv.Now.Digest != rmoved.Current {
		t.Fatalf("review: %+v", rv)
	}
}
