package loadgen

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultVariants is the number of bodies prepared when CorpusOptions
// leaves Variants at zero: enough that targeting and caches see variety,
// few enough (about 13 MB for the shared corpus) to build in well under a
// second.
const DefaultVariants = 4096

// CorpusOptions say where request bodies come from and how they vary.
type CorpusOptions struct {
	// Dir is a folder of *.json bid requests.
	Dir string
	// Variants is the number of bodies to prepare, spread evenly over the
	// files; zero means DefaultVariants, and every file gets at least one.
	Variants int
	// Gzip compresses every body and sends Content-Encoding: gzip. The ids
	// are then fixed per variant, so they repeat every Variants requests.
	Gzip bool
	// Seed makes the variation reproducible; zero draws a random seed.
	Seed uint64
}

// Corpus is a set of request bodies ready to send. It is immutable and
// safe for concurrent use.
type Corpus struct {
	// Dir is the folder the bodies were read from.
	Dir string
	// Files is the number of files read.
	Files int
	// Verbatim is the number of files sent unchanged because they are not
	// JSON objects (an invalid corpus can be measured on purpose).
	Verbatim int
	// Gzip reports that the bodies are gzip-compressed.
	Gzip bool

	bodies []body
}

// body is one prepared request body. idAt and userAt are the offsets of
// the idWidth-character request and user ids that are rewritten for every
// request; -1 means the body has no such place (gzip, or not an object).
type body struct {
	data         []byte
	idAt, userAt int
}

// Variants is the number of prepared bodies.
func (c *Corpus) Variants() int { return len(c.bodies) }

// LoadCorpus reads every *.json file in o.Dir and prepares the variants.
func LoadCorpus(o CorpusOptions) (*Corpus, error) {
	names, err := filepath.Glob(filepath.Join(o.Dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("corpus: no *.json files in %s", o.Dir)
	}
	slices.Sort(names)
	templates := make([]bodyTemplate, 0, len(names))
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		templates = append(templates, newBodyTemplate(src))
	}
	return build(o, templates)
}

// build renders the variants of every bodyTemplate.
func build(o CorpusOptions, templates []bodyTemplate) (*Corpus, error) {
	variants := o.Variants
	if variants <= 0 {
		variants = DefaultVariants
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	r := rand.New(rand.NewPCG(seed, 0x6e6f726462696421))
	u := newUsers(r, seed)
	c := &Corpus{Dir: o.Dir, Files: len(templates), Gzip: o.Gzip}
	perFile := max(1, variants/len(templates))
	for _, t := range templates {
		if t.verbatim {
			c.Verbatim++
		}
		for range perFile {
			vals := values{
				fieldID:      strings.Repeat("0", idWidth),
				fieldUserID:  hexID(u.next()),
				fieldCountry: pick(r, countries),
				fieldIP:      ipv4(r),
				fieldOS:      pick(r, operatingSystems),
				fieldIFA:     ifa(r),
			}
			data, idAt, userAt := t.render(nil, &vals)
			b := body{data: data, idAt: idAt, userAt: userAt}
			if o.Gzip {
				// The ids of a compressed body cannot be patched; give
				// each variant its own request id instead.
				if idAt >= 0 {
					putHex(data[idAt:], r.Uint64())
				}
				z, err := compress(data)
				if err != nil {
					return nil, err
				}
				b = body{data: z, idAt: -1, userAt: -1}
			}
			c.bodies = append(c.bodies, b)
		}
	}
	return c, nil
}

func compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		return nil, fmt.Errorf("corpus: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("corpus: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// corpusRel is where the shared corpus sits relative to a checkout of
// nordbid (the repository and ../shared are siblings).
const corpusRel = "../shared/corpus/requests"

// FindCorpus returns the default corpus folder: ../shared/corpus/requests
// relative to the working directory wd, else relative to the folder of the
// executable exe or its parent (for a binary built into bin/).
func FindCorpus(wd, exe string) (string, error) {
	candidates := []string{filepath.Join(wd, corpusRel)}
	if exe != "" {
		dir := filepath.Dir(exe)
		candidates = append(candidates,
			filepath.Join(dir, corpusRel), filepath.Join(dir, "..", corpusRel))
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
	}
	return "", errors.New("corpus: no ../shared/corpus/requests next to the working " +
		"directory or the executable; pass --corpus DIR")
}
