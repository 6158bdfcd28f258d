/* Replaced by the mock server's real main; kept only so that the build configures. */
int
main (void)
{
  return 77;
}
