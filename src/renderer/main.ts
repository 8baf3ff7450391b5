// Renderer entry (minimal until the desktop issue builds the React UI).
const root = document.getElementById('root');
if (root) root.textContent = 'Warp';
