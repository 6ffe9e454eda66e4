# Reads "x y" lines and checks y = 1/(1+exp(-x)) in double precision within a
# relative 1e-6; prints each pair, exits 1 on a mismatch or when the number
# of lines is not `n` (awk -v n=COUNT -f expect-sigmoid.awk).
{
  want = 1 / (1 + exp(-$1))
  err = ($2 - want) / want
  if (err < 0) err = -err
  printf "     sigmoid(%s) = %s (reference %.9g)\n", $1, $2, want
  if (NF != 2 || err > 1e-6) bad = 1
}
END { exit bad || NR != n }
