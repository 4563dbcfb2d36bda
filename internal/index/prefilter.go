package index

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"

	"nordbid/internal/campaign"
)

// prefilter holds the bit sets that narrow a request to the campaigns
// whose targeting can admit it, before any campaign is looked at one by
// one. Every set is a superset of the campaigns that pass the full check,
// so the prefilter only saves work and never changes a decision.
type prefilter struct {
	ranked   []*Campaign // by rank: price high to low, then id
	channels [4]Bitset   // by channel bit index: site, app, dooh, none
	country  keyed       // upper-case ISO alpha-3
	device   keyed       // decimal device type
	os       keyed       // lower case
	domain   keyed       // lower-case allow-list entries
	bundle   keyed       // lower-case allow-list entries
	segment  keyed

	sizes                map[uint64]Bitset // open-auction banner sizes
	video, audio, native Bitset            // open-auction formats
}

func (ix *Index) buildPrefilter() {
	p := &ix.pre
	p.ranked = slices.Clone(ix.campaigns)
	slices.SortFunc(p.ranked, func(a, b *Campaign) int {
		if c := cmp.Compare(b.PriceUSD, a.PriceUSD); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	n := len(p.ranked)
	for i := range p.channels {
		p.channels[i] = newBitset(n)
	}
	p.country, p.device, p.os = newKeyed(n), newKeyed(n), newKeyed(n)
	p.domain, p.bundle, p.segment = newKeyed(n), newKeyed(n), newKeyed(n)
	p.sizes = make(map[uint64]Bitset)
	p.video, p.audio, p.native = newBitset(n), newBitset(n), newBitset(n)

	for r, c := range p.ranked {
		c.Rank = r
		for i := range p.channels {
			if c.Channels == 0 || c.Channels&(1<<i) != 0 {
				p.channels[i].set(r)
			}
		}
		p.country.add(r, c.Countries, n)
		p.device.add(r, intKeys(c.DeviceTypes), n)
		p.os.add(r, lower(c.OS), n)
		p.domain.add(r, c.Domains.Allow, n)
		p.bundle.add(r, c.Bundles.Allow, n)
		p.segment.add(r, c.Segments, n)
		if len(c.Deals) > 0 {
			continue
		}
		for _, cr := range c.Creatives {
			p.addFormat(cr, r, n)
		}
	}
	for _, k := range []*keyed{&p.country, &p.device, &p.os, &p.domain, &p.bundle, &p.segment} {
		k.finish()
	}
}

func (p *prefilter) addFormat(cr *Creative, r, n int) {
	switch cr.Format {
	case campaign.FormatBanner:
		k := sizeKey(cr.W, cr.H)
		s, ok := p.sizes[k]
		if !ok {
			s = newBitset(n)
			p.sizes[k] = s
		}
		s.set(r)
	case campaign.FormatVideo:
		p.video.set(r)
	case campaign.FormatAudio:
		p.audio.set(r)
	case campaign.FormatNative:
		p.native.set(r)
	}
}

func intKeys(v []int) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.Itoa(x)
	}
	return out
}

// Words is the length of every Bitset of the index, for scratch sets.
func (ix *Index) Words() int { return (len(ix.pre.ranked) + 63) / 64 }

// Ranked returns the campaign of a rank.
func (ix *Index) Ranked(rank int) *Campaign { return ix.pre.ranked[rank] }

// ChannelSet returns the campaigns that admit a channel (one of the
// Channel bits).
func (ix *Index) ChannelSet(ch uint8) Bitset {
	for i := range ix.pre.channels {
		if ch == 1<<i {
			return ix.pre.channels[i]
		}
	}
	return ix.pre.channels[3]
}

// CountrySet, DeviceSet, OSSet, BundleSet and SegmentSet return the
// campaigns that admit a value of the request. Keys must be folded as the
// index folds them: countries upper case, OS and bundles lower case,
// device types in decimal.
func (ix *Index) CountrySet(key []byte) Bitset { return ix.pre.country.get(key) }
func (ix *Index) DeviceSet(key []byte) Bitset  { return ix.pre.device.get(key) }
func (ix *Index) OSSet(key []byte) Bitset      { return ix.pre.os.get(key) }
func (ix *Index) BundleSet(key []byte) Bitset  { return ix.pre.bundle.get(key) }
func (ix *Index) SegmentSet(key []byte) Bitset { return ix.pre.segment.get(key) }

// SegmentAny returns the campaigns that target no segment.
func (ix *Index) SegmentAny() Bitset { return ix.pre.segment.any }

// DomainSet adds to dst the campaigns whose domain allow list admits a
// lower-case host: those listing the host or a parent domain of it, and
// those without an allow list.
func (ix *Index) DomainSet(dst Bitset, host []byte) {
	dst.Or(ix.pre.domain.any)
	for {
		if s, ok := ix.pre.domain.by[string(host)]; ok {
			dst.Or(s)
		}
		i := bytes.IndexByte(host, '.')
		if i < 0 {
			return
		}
		host = host[i+1:]
	}
}

// SizeSet returns the open-auction campaigns with a banner of w x h, or
// nil; VideoSet, AudioSet and NativeSet those with a creative of the
// format.
func (ix *Index) SizeSet(w, h int) Bitset { return ix.pre.sizes[sizeKey(w, h)] }
func (ix *Index) VideoSet() Bitset        { return ix.pre.video }
func (ix *Index) AudioSet() Bitset        { return ix.pre.audio }
func (ix *Index) NativeSet() Bitset       { return ix.pre.native }
