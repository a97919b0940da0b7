import './base.css';
import './images.css';
