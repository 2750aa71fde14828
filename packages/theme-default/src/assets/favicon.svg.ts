/** The default theme's icon, served as the `favicon.svg` asset: a picture frame in the accent colour. */
export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="2" y="4" width="28" height="24" rx="3" fill="#1d4ed8"/>
<rect x="5" y="7" width="22" height="18" rx="1" fill="#ffffff"/>
<path d="M7 23l6-8 4 5 3-3 5 6z" fill="#1d4ed8"/>
<circle cx="21" cy="12" r="2.2" fill="#b45309"/>
</svg>
`;
