/** The app's emblem (a yellow star in a ring on red), drawn inline so it costs no request. */
export function Emblem({ size = 64 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 100 100" aria-hidden="true" focusable="false" class="emblem">
      <rect width="100" height="100" rx="20" fill="#c8102e" />
      <circle cx="50" cy="51" r="35.2" fill="none" stroke="#ffcd00" stroke-width="3.5" />
      <path
        fill="#ffcd00"
        d="M50 26 55.6 43.3 73.8 43.3 59.1 54 64.7 71.2 50 60.5 35.3 71.2 40.9 54 26.2 43.3 44.4 43.3Z"
      />
    </svg>
  );
}
