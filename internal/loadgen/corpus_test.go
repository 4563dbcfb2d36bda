package loadgen

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// sharedCorpus is the project's request corpus, relative to this package.
// Tests that need it fail when it is missing: CI keeps ../shared beside
// the repository.
const sharedCorpus = "../../../shared/corpus/requests"

func loadShared(t testing.TB, o CorpusOptions) *Corpus {
	t.Helper()
	o.Dir = sharedCorpus
	c, err := LoadCorpus(o)
	if err != nil {
		t.Fatalf("load shared corpus: %v", err)
	}
	return c
}

// sentBody is what a connection would send for b with the given ids.
func sentBody(b *body, reqID, userID uint64) []byte {
	out := bytes.Clone(b.data)
	if b.idAt >= 0 {
		putHex(out[b.idAt:], reqID)
	}
	if b.userAt >= 0 {
		putHex(out[b.userAt:], userID)
	}
	return out
}

// variedFields are the fields the corpus variation touches.
type variedFields struct {
	ID   string `json:"id"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	Device struct {
		Geo struct {
			Country string `json:"country"`
		} `json:"geo"`
	} `json:"device"`
}

func TestLoadCorpusShared(t *testing.T) {
	c := loadShared(t, CorpusOptions{Variants: 500, Seed: 1})
	if got, want := c.Files, 50; got != want {
		t.Errorf("Files = %d, want %d", got, want)
	}
	if got, want := c.Variants(), 500; got != want {
		t.Errorf("Variants() = %d, want %d", got, want)
	}
	if c.Verbatim != 0 {
		t.Errorf("Verbatim = %d, want 0: every shared request is a JSON object", c.Verbatim)
	}
	countries := map[string]int{}
	for i := range c.bodies {
		b := &c.bodies[i]
		if b.idAt < 0 || b.userAt < 0 {
			t.Fatalf("body %d: idAt %d userAt %d, want both set", i, b.idAt, b.userAt)
		}
		sent := sentBody(b, 0xabcdef0123456789, 0x0123456789abcdef)
		if !json.Valid(sent) {
			t.Fatalf("body %d is not valid JSON after patching: %.200s", i, sent)
		}
		// Some corpus files carry type quirks that a typed decoder rejects;
		// the varied fields are still readable from a generic decode.
		var generic map[string]any
		if err := json.Unmarshal(sent, &generic); err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		var got variedFields
		raw, _ := json.Marshal(map[string]any{
			"id": generic["id"], "user": generic["user"], "device": generic["device"],
		})
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("body %d: varied fields: %v", i, err)
		}
		if got.ID != "abcdef0123456789" || got.User.ID != "0123456789abcdef" {
			t.Errorf("body %d: id %q user %q, want the patched ids", i, got.ID, got.User.ID)
		}
		countries[got.Device.Geo.Country]++
	}
	if len(countries) < 10 {
		t.Errorf("only %d distinct countries in 500 bodies: %v", len(countries), countries)
	}
}

func TestLoadCorpusGzip(t *testing.T) {
	c := loadShared(t, CorpusOptions{Variants: 50, Gzip: true, Seed: 2})
	ids := map[string]bool{}
	for i, b := range c.bodies {
		if b.idAt != -1 || b.userAt != -1 {
			t.Errorf("body %d: gzip body has patch points %d, %d", i, b.idAt, b.userAt)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b.data))
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		var got variedFields
		if err := json.Unmarshal(plain, &got); err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		ids[got.ID] = true
	}
	if len(ids) != len(c.bodies) {
		t.Errorf("%d distinct request ids in %d gzip bodies", len(ids), len(c.bodies))
	}
}

func TestLoadCorpusErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		{name: "empty folder"},
		{name: "no json files", files: map[string]string{"a.txt": "{}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := LoadCorpus(CorpusOptions{Dir: dir}); err == nil {
				t.Error("LoadCorpus succeeded, want an error")
			}
		})
	}
}

func TestLoadCorpusVerbatim(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"a.json": `{"id":"x"}`, "b.json": `[1]`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadCorpus(CorpusOptions{Dir: dir, Variants: 4})
	if err != nil {
		t.Fatal(err)
	}
	if c.Verbatim != 1 || c.Files != 2 || c.Variants() != 4 {
		t.Errorf("Verbatim %d Files %d Variants %d, want 1 2 4", c.Verbatim, c.Files, c.Variants())
	}
}

func TestFindCorpus(t *testing.T) {
	root := t.TempDir()
	corpus := filepath.Join(root, "shared", "corpus", "requests")
	if err := os.MkdirAll(corpus, 0o700); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(root, "main")
	elsewhere := filepath.Join(root, "x", "y", "z")
	for _, d := range []string{filepath.Join(repo, "bin"), elsewhere} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		wd, exe string
		ok      bool
	}{
		{name: "from the working directory", wd: repo, ok: true},
		{name: "beside the executable", wd: elsewhere, exe: filepath.Join(repo, "nordbid"),
			ok: true},
		{name: "from bin/", wd: elsewhere, exe: filepath.Join(repo, "bin", "nordbid"), ok: true},
		{name: "nowhere", wd: elsewhere, exe: filepath.Join(elsewhere, "nordbid")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FindCorpus(tt.wd, tt.exe)
			if !tt.ok {
				if err == nil {
					t.Errorf("FindCorpus = %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Clean(got) != corpus {
				t.Errorf("FindCorpus = %q, want %q", got, corpus)
			}
		})
	}
}
