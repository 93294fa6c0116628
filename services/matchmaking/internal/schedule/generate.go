package schedule

import (
	"fmt"
	"math/rand/v2"
)

// Generate makes a realistic B2B day from a seed: a few buyers with many meetings, many producers
// with few, some morning-only or afternoon-only requests, some unavailable slots, and tables
// about 10–20% above meetings ÷ slots. size scales it from the smallest real events (0) to the
// largest (1).
func Generate(seed uint64, size float64) Problem {
	r := rand.New(rand.NewPCG(seed, 7))
	lerp := func(a, b int) int { return a + int(float64(b-a)*size+0.5) }
	slots := lerp(8, 22)
	meetings := lerp(120, 300)
	// Enough buyers that none needs more than four fifths of the day.
	buyers := max(lerp(10, 16), (meetings*5+slots*4-1)/(slots*4))
	producers := lerp(40, 80) - buyers
	p := Problem{Slots: slots, MorningSlots: slots * 6 / 10, MaxBreakSpread: 2, TimeLimitMS: 10000, Seed: seed}
	for b := 0; b < buyers; b++ {
		p.Participants = append(p.Participants, Participant{ID: fmt.Sprintf("b%02d", b)})
	}
	for q := 0; q < producers; q++ {
		p.Participants = append(p.Participants, Participant{ID: fmt.Sprintf("p%02d", q)})
	}
	for i := range p.Participants {
		if r.IntN(10) == 0 {
			p.Participants[i].Unavailable = []int{1 + r.IntN(slots)}
		}
	}
	// Buyers are busy (up to three quarters of the day), producers have one to four meetings.
	buyerCap := max(2, slots*4/5)
	load := make([]int, buyers+producers)
	pairs := map[[2]int]bool{}
	n := 0
	for try := 0; n < meetings && try < meetings*50; try++ {
		b := r.IntN(buyers)
		if r.IntN(3) == 0 {
			b = r.IntN(max(1, buyers/3)) // a few big buyers take more
		}
		q := r.IntN(producers)
		if load[b] >= buyerCap || load[buyers+q] >= max(4, slots*3/5) || pairs[[2]int{b, q}] {
			continue
		}
		pairs[[2]int{b, q}] = true
		load[b]++
		load[buyers+q]++
		session := Any
		switch x := r.IntN(20); {
		case x < 2:
			session = Morning
		case x < 3:
			session = Afternoon
		}
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%03d", n), Participants: []string{fmt.Sprintf("b%02d", b), fmt.Sprintf("p%02d", q)}, Session: session})
		n++
	}
	p.Tables = max(1, int(float64(len(p.Meetings))/float64(slots)*(1.1+0.1*r.Float64())+0.999))
	return p
}
